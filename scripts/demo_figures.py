#!/usr/bin/env python3
"""Measures the figures docs/demo.md reports on a demo classifier folder, with headscope-cli.

    scripts/demo_figures.py --cli build/dev/app/cli/headscope-cli --demo resources/demo/classifier

Runs eval (both domains), ablate --significance (both domains), prune-curve (three orders) and
compare (importance and ablation) and prints the numbers as Markdown-ready lines. Only the
Python standard library is used; the JSON documents are kept in --work for inspection.
"""
import argparse
import json
import os
import subprocess
import sys


def run(cli, args, out):
    cmd = [cli] + args + ["--json", out]
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), done.stderr))
    with open(out, encoding="utf-8") as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--demo", required=True, help="demo folder (model/, data/)")
    ap.add_argument("--work", default="/tmp/headscope-demo-figures")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    model = os.path.join(a.demo, "model")
    matched = os.path.join(a.demo, "data", "dev_matched.tsv")
    mismatched = os.path.join(a.demo, "data", "dev_mismatched.tsv")
    w = lambda name: os.path.join(a.work, name)

    for name, data in (("matched", matched), ("mismatched", mismatched)):
        acc = run(a.cli, ["eval", "--model", model, "--data", data], w("eval_%s.json" % name))
        e = acc["results"]["evaluation"]["accuracy"]
        print("dev accuracy %s: %.2f%% (%d / %d; 95%% interval %.1f-%.1f%%)"
              % (name, 100 * e["value"], e["n_correct"], e["n"], 100 * e["low"], 100 * e["high"]))

    for name, data in (("matched", matched), ("mismatched", mismatched)):
        ab = run(a.cli, ["ablate", "--model", model, "--data", data, "--significance"], w("ablate_%s.json" % name))
        r = ab["results"]["ablation"]
        delta = r["delta"]["encoder_self"]
        sig = r["significant"]["encoder_self"]
        heads = [(l, h) for l, row in enumerate(sig) for h, s in enumerate(row) if s]
        small = sum(1 for row in delta for d in row if abs(d) < 0.005)
        total = sum(len(row) for row in delta)
        worst = min(((d, l, h) for l, row in enumerate(delta) for h, d in enumerate(row)))
        print("significant heads %s (p_ttest < %g): %d of %d: %s" % (name, r["alpha"], len(heads), total,
              " ".join("L%dH%d(%+.1f)" % (l, h, 100 * delta[l][h]) for l, h in heads)))
        print("  heads changing accuracy by < 0.5 points alone: %d of %d; largest loss L%dH%d %+.1f points"
              % (small, total, worst[1], worst[2], 100 * worst[0]))
        if name == "matched":
            print("  ablation map (points):")
            for l, row in enumerate(delta):
                print("  L%d " % l + " ".join("%+6.1f%s" % (100 * d, "*" if sig[l][h] else " ") for h, d in enumerate(row)))

    pc = run(a.cli, ["prune-curve", "--model", model, "--data", matched, "--order", "importance,ablation,random"],
             w("curves.json"))
    r = pc["results"]["prune_curves"]
    base = r["baseline"]["value"]
    print("prune curves (baseline %.2f%%, %d heads):" % (100 * base, r["total_heads"]))
    for c in r["curves"]:
        within = [p for p in c["points"] if base - p["accuracy"]["value"] < 0.01]
        best = max(within, key=lambda p: p["n_pruned"]) if within else None
        half = min(c["points"], key=lambda p: abs(p["percent"] - 50))
        print("  %-10s heads prunable at < 1 point loss: %s; at %d%% pruned: %.1f%%; points: %s"
              % (c["order"], ("%d (%.0f%%, %.1f%%)" % (best["n_pruned"], best["percent"], 100 * best["accuracy"]["value"])) if best else "0",
                 half["percent"], 100 * half["accuracy"]["value"],
                 " ".join("%.0f:%.1f" % (p["percent"], 100 * p["accuracy"]["value"]) for p in c["points"])))

    cmp_ = run(a.cli, ["compare", "--model", model, "--data", matched, "--data2", mismatched, "--what", "both"],
               w("compare.json"))
    corr = cmp_["results"]["compare"]["correlation"]
    for k, v in corr.items():
        print("matched/mismatched correlation, %s: pearson %.3f, spearman %.3f (n %d)"
              % (k, v["pearson"], v["spearman"], v["n"]))


if __name__ == "__main__":
    main()

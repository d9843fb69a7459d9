#!/usr/bin/python3
"""Straightforward eager PyTorch BERT classifier forward, for comparison with HeadScope's engine.

Written for Debian's python3-torch (LibTorch 1.13, the same library HeadScope links), with only
torch.nn.functional: no transformers, no safetensors package (the file header is parsed here).
It loads the folder written by headscope_bench_model and times the forward at batch 1 and 32.

    /usr/bin/python3 bench/eager_reference.py --model /tmp/bert-base-random
    /usr/bin/python3 bench/eager_reference.py --model DIR --compare-logits logits.txt
"""
import argparse
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

CLS_ID, SEP_ID, FIRST_WORD_ID = 2, 3, 5


def read_safetensors(path):
    """name -> float32 tensor, from the file's JSON header and raw little-endian data."""
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = bytearray(f.read())  # writable, so torch.from_numpy does not warn
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}, only F32 is read here")
        begin, end = info["data_offsets"]
        array = np.frombuffer(data, dtype="<f4", count=(end - begin) // 4, offset=begin)
        tensors[name] = torch.from_numpy(array).view(info["shape"])
    return tensors


class EagerBert:
    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json")) as f:
            self.config = json.load(f)
        w = read_safetensors(os.path.join(model_dir, "model.safetensors"))
        self.w = w
        self.n_layers = self.config["num_hidden_layers"]
        self.n_heads = self.config["num_attention_heads"]
        self.hidden = self.config["hidden_size"]
        self.head_dim = self.hidden // self.n_heads
        self.eps = self.config.get("layer_norm_eps", 1e-12)

    def forward(self, ids, types, mask):
        w, eps = self.w, self.eps
        b, t = ids.shape
        h, nh, d = self.hidden, self.n_heads, self.head_dim
        positions = torch.arange(t)
        x = (w["bert.embeddings.word_embeddings.weight"][ids]
             + w["bert.embeddings.position_embeddings.weight"][positions].unsqueeze(0)
             + w["bert.embeddings.token_type_embeddings.weight"][types])
        x = F.layer_norm(x, (h,), w["bert.embeddings.LayerNorm.weight"], w["bert.embeddings.LayerNorm.bias"], eps)
        key_bias = (1.0 - mask[:, None, None, :]) * -10000.0
        for l in range(self.n_layers):
            p = f"bert.encoder.layer.{l}."

            def lin(name, inp):
                return F.linear(inp, w[p + name + ".weight"], w[p + name + ".bias"])

            def heads(z):
                return z.view(b, t, nh, d).permute(0, 2, 1, 3)

            q = heads(lin("attention.self.query", x))
            k = heads(lin("attention.self.key", x))
            v = heads(lin("attention.self.value", x))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + key_bias
            probs = F.softmax(scores, dim=-1)
            ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous().view(b, t, h)
            x = F.layer_norm(lin("attention.output.dense", ctx) + x, (h,),
                             w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
            inner = F.gelu(lin("intermediate.dense", x))
            x = F.layer_norm(lin("output.dense", inner) + x, (h,),
                             w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
        pooled = torch.tanh(F.linear(x[:, 0], w["bert.pooler.dense.weight"], w["bert.pooler.dense.bias"]))
        return F.linear(pooled, w["classifier.weight"], w["classifier.bias"])


def median(values):
    v = sorted(values)
    m = len(v) // 2
    return v[m] if len(v) % 2 else 0.5 * (v[m - 1] + v[m])


def random_batch(batch, seq, vocab, generator):
    ids = torch.randint(FIRST_WORD_ID, vocab, (batch, seq), generator=generator)
    ids[:, 0] = CLS_ID
    ids[:, -1] = SEP_ID
    return ids, torch.zeros_like(ids), torch.ones(batch, seq)


def fixed_batch(n, seq, vocab):
    """The same fixed input as bench_support.cpp's fixedDataset."""
    span = vocab - FIRST_WORD_ID
    ids = torch.tensor([[FIRST_WORD_ID + (j * 7919 + i * 104729) % span for i in range(seq)] for j in range(n)])
    ids[:, 0] = CLS_ID
    ids[:, -1] = SEP_ID
    return ids, torch.zeros_like(ids), torch.ones(n, seq)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="folder written by headscope_bench_model")
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads (0: every usable core)")
    parser.add_argument("--batch-sizes", default="1,32")
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--runs", default="20,4", help="timed runs per batch size (one value or one per size)")
    parser.add_argument("--compare-logits", help="logits file written by bench_eval --logits-out")
    args = parser.parse_args()

    threads = args.threads or len(os.sched_getaffinity(0))
    torch.set_num_threads(threads)
    start = time.perf_counter()
    model = EagerBert(args.model)
    load_s = time.perf_counter() - start
    vocab = model.config["vocab_size"]
    print(f"eager reference: torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"model loaded in {load_s:.2f} s")

    sizes = [int(s) for s in args.batch_sizes.split(",") if s]
    runs = [int(r) for r in args.runs.split(",") if r]
    runs = runs * len(sizes) if len(runs) == 1 else runs
    generator = torch.Generator().manual_seed(7)
    rows = []
    with torch.inference_mode():
        if args.compare_logits:
            with open(args.compare_logits) as f:
                theirs = torch.tensor([[float(v) for v in line.split()] for line in f if line.strip()],
                                      dtype=torch.float64)
            ids, types, mask = fixed_batch(theirs.shape[0], args.seq_len, vocab)
            ours = model.forward(ids, types, mask).double()
            diff = (ours - theirs).abs().max().item()
            print(f"logits of the fixed input ({theirs.shape[0]} x {args.seq_len}): max |eager - headscope| = "
                  f"{diff:.3g} (largest |logit| {ours.abs().max().item():.3g})")
        for bs, n in zip(sizes, runs):
            ids, types, mask = random_batch(bs, args.seq_len, vocab, generator)
            for _ in range(1 if bs > 4 else 3):  # warm-up: first calls allocate and pick kernels
                model.forward(ids, types, mask)
            times, cpu = [], []
            for _ in range(n):
                c0, t0 = time.process_time(), time.perf_counter()
                model.forward(ids, types, mask)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            med = median(times)
            rows.append((bs, n, 1000 * med, 1000 * min(times), 1000 * max(times), 1000 * median(cpu), bs / med))
    print()
    print("== eager PyTorch forward (fp32)")
    print(f"{'batch':>5}  {'runs':>4}  {'median ms':>10}  {'min ms':>9}  {'max ms':>9}  {'cpu ms':>9}  {'examples/s':>10}")
    print("-" * 67)
    for bs, n, med, lo, hi, cpu, eps in rows:
        print(f"{bs:>5}  {n:>4}  {med:>10.1f}  {lo:>9.1f}  {hi:>9.1f}  {cpu:>9.1f}  {eps:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

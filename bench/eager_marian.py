#!/usr/bin/python3
"""Straightforward eager PyTorch MarianMT greedy decoder, for comparison with HeadScope's engine.

Written for Debian's python3-torch (LibTorch 1.13, the library HeadScope links) with only
torch.nn.functional: no transformers, no safetensors or sentencepiece package. It follows
transformers v4's MarianMTModel.generate(num_beams=1): post-norm layers, scaled embeddings,
sinusoidal positions, a key/value cache for decoder self-attention and cross-attention
keys/values computed once, start from decoder_start_token_id, the pad id banned, </s> forced
at max_length - 1. Sentences come as token ids (bench_decode --ids-out writes them), so both
programs decode exactly the same inputs.

    /usr/bin/python3 bench/eager_marian.py --write-random /tmp/headscope-marian-iwslt \
        --like ../shared/fixtures/marian            # 6+6 layers x 8 heads, d_model 512
    bench_decode --model DIR --ids-out /tmp/ids.txt --hyp-ids-out /tmp/hyp.txt
    /usr/bin/python3 bench/eager_marian.py --model DIR --ids /tmp/ids.txt --compare /tmp/hyp.txt
"""
import argparse
import json
import math
import os
import shutil
import statistics
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F

from eager_reference import read_safetensors  # the same folder: the encoder's eager reference


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, array in tensors.items():
        blob = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def sinusoids(n_positions, dim):
    """HF's MarianSinusoidalPositionalEmbedding: sin in the first half, cos in the second."""
    pos = np.arange(n_positions)[:, None]
    j = np.arange(dim)[None, :]
    angle = pos / np.power(10000, 2 * (j // 2) / dim)
    out = np.zeros((n_positions, dim))
    half = dim // 2 + dim % 2
    out[:, :half] = np.sin(angle[:, 0::2])
    out[:, half:] = np.cos(angle[:, 1::2])
    return out.astype(np.float32)


def write_random_model(out_dir, like_dir, layers, heads, d_model, ffn, seed):
    """A Marian folder of the given shape with N(0, 0.02) weights, the tokenizer files of like_dir."""
    os.makedirs(out_dir, exist_ok=True)
    for name in ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "special_tokens_map.json",
                 "generation_config.json"):
        if os.path.exists(os.path.join(like_dir, name)):
            shutil.copy(os.path.join(like_dir, name), os.path.join(out_dir, name))
    with open(os.path.join(like_dir, "config.json")) as f:
        config = json.load(f)
    config.update({"d_model": d_model, "encoder_layers": layers, "decoder_layers": layers, "num_hidden_layers": layers,
                   "encoder_attention_heads": heads, "decoder_attention_heads": heads, "encoder_ffn_dim": ffn,
                   "decoder_ffn_dim": ffn})
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    rng = np.random.default_rng(seed)
    vocab, positions = config["vocab_size"], config["max_position_embeddings"]
    t = {"model.shared.weight": rng.normal(0, 0.02, (vocab, d_model)), "final_logits_bias": np.zeros((1, vocab)),
         "model.encoder.embed_positions.weight": sinusoids(positions, d_model),
         "model.decoder.embed_positions.weight": sinusoids(positions, d_model)}
    for side in ("encoder", "decoder"):
        for l in range(layers):
            p = f"model.{side}.layers.{l}."
            blocks = ["self_attn"] + (["encoder_attn"] if side == "decoder" else [])
            for block in blocks:
                for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
                    t[p + f"{block}.{proj}.weight"] = rng.normal(0, 0.02, (d_model, d_model))
                    t[p + f"{block}.{proj}.bias"] = np.zeros(d_model)
                t[p + f"{block}_layer_norm.weight"] = np.ones(d_model)
                t[p + f"{block}_layer_norm.bias"] = np.zeros(d_model)
            t[p + "fc1.weight"], t[p + "fc1.bias"] = rng.normal(0, 0.02, (ffn, d_model)), np.zeros(ffn)
            t[p + "fc2.weight"], t[p + "fc2.bias"] = rng.normal(0, 0.02, (d_model, ffn)), np.zeros(d_model)
            t[p + "final_layer_norm.weight"], t[p + "final_layer_norm.bias"] = np.ones(d_model), np.zeros(d_model)
    write_safetensors(os.path.join(out_dir, "model.safetensors"), t)
    n = sum(a.size for name, a in t.items() if "embed_positions" not in name)
    print(f"wrote {out_dir}: {layers}+{layers} layers x {heads} heads, d_model {d_model}, ffn {ffn}, {n:,} parameters")


ACTIVATIONS = {"swish": F.silu, "silu": F.silu, "relu": F.relu, "gelu": F.gelu,
               "gelu_new": lambda x: F.gelu(x, approximate="tanh")}


class EagerMarian:
    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json")) as f:
            c = json.load(f)
        gen = {}
        if os.path.exists(os.path.join(model_dir, "generation_config.json")):
            with open(os.path.join(model_dir, "generation_config.json")) as f:
                gen = json.load(f)
        self.w = read_safetensors(os.path.join(model_dir, "model.safetensors"))
        self.d = c["d_model"]
        self.layers = (c["encoder_layers"], c["decoder_layers"])
        self.heads = (c["encoder_attention_heads"], c["decoder_attention_heads"])
        self.scale = math.sqrt(self.d) if c.get("scale_embedding", False) else 1.0
        self.act = ACTIVATIONS[c.get("activation_function", "swish")]
        self.pad = c["pad_token_id"]
        self.eos = gen.get("eos_token_id", c["eos_token_id"])
        self.start = gen.get("decoder_start_token_id", c["decoder_start_token_id"])
        self.max_length = gen.get("max_length", c.get("max_length", 20))
        self.emb = self.w["model.shared.weight"]
        self.bias = self.w["final_logits_bias"].view(-1)

    def lin(self, name, x):
        return F.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def ln(self, name, x):
        return F.layer_norm(x, (self.d,), self.w[name + ".weight"], self.w[name + ".bias"], 1e-5)

    def split(self, x, nh):
        b, t, _ = x.shape
        return x.view(b, t, nh, self.d // nh).transpose(1, 2)

    def attend(self, q, k, v, bias):
        scores = torch.matmul(q, k.transpose(-1, -2))
        if bias is not None:
            scores = scores + bias
        ctx = torch.matmul(F.softmax(scores, dim=-1), v)
        b, nh, t, hd = ctx.shape
        return ctx.transpose(1, 2).reshape(b, t, nh * hd)

    def encode(self, src, key_bias):
        nh, t = self.heads[0], src.shape[1]
        x = self.emb[src] * self.scale + self.w["model.encoder.embed_positions.weight"][:t]
        for l in range(self.layers[0]):
            p = f"model.encoder.layers.{l}."
            hd = self.d // nh
            q = self.split(self.lin(p + "self_attn.q_proj", x) * hd ** -0.5, nh)
            k = self.split(self.lin(p + "self_attn.k_proj", x), nh)
            v = self.split(self.lin(p + "self_attn.v_proj", x), nh)
            x = self.ln(p + "self_attn_layer_norm", x + self.lin(p + "self_attn.out_proj", self.attend(q, k, v, key_bias)))
            h = self.lin(p + "fc2", self.act(self.lin(p + "fc1", x)))
            x = self.ln(p + "final_layer_norm", x + h)
        return x

    @torch.inference_mode()
    def greedy(self, sources, max_length=None):
        """Greedy hypotheses (ids, start token first) of a batch of source id lists."""
        max_length = max_length or self.max_length
        b, nh = len(sources), self.heads[1]
        t_src = max(len(s) for s in sources)
        src = torch.full((b, t_src), self.pad, dtype=torch.long)
        for i, s in enumerate(sources):
            src[i, :len(s)] = torch.tensor(s)
        key_bias = torch.where(src == self.pad, torch.finfo(torch.float32).min, 0.0)[:, None, None, :]
        memory = self.encode(src, key_bias)
        hd = self.d // nh
        cross = []
        for l in range(self.layers[1]):
            p = f"model.decoder.layers.{l}.encoder_attn."
            cross.append((self.split(self.lin(p + "k_proj", memory), nh), self.split(self.lin(p + "v_proj", memory), nh)))
        cache = [None] * self.layers[1]
        tokens = torch.full((b, 1), self.start, dtype=torch.long)
        done = torch.zeros(b, dtype=torch.bool)
        for step in range(max_length - 1):
            x = self.emb[tokens[:, -1:]] * self.scale + self.w["model.decoder.embed_positions.weight"][step:step + 1]
            for l in range(self.layers[1]):
                p = f"model.decoder.layers.{l}."
                q = self.split(self.lin(p + "self_attn.q_proj", x) * hd ** -0.5, nh)
                k = self.split(self.lin(p + "self_attn.k_proj", x), nh)
                v = self.split(self.lin(p + "self_attn.v_proj", x), nh)
                if cache[l] is not None:
                    k, v = torch.cat([cache[l][0], k], 2), torch.cat([cache[l][1], v], 2)
                cache[l] = (k, v)
                x = self.ln(p + "self_attn_layer_norm", x + self.lin(p + "self_attn.out_proj", self.attend(q, k, v, None)))
                q = self.split(self.lin(p + "encoder_attn.q_proj", x) * hd ** -0.5, nh)
                ctx = self.attend(q, cross[l][0], cross[l][1], key_bias)
                x = self.ln(p + "encoder_attn_layer_norm", x + self.lin(p + "encoder_attn.out_proj", ctx))
                x = self.ln(p + "final_layer_norm", x + self.lin(p + "fc2", self.act(self.lin(p + "fc1", x))))
            logits = F.linear(x[:, -1], self.emb, self.bias)
            logits[:, self.pad] = -math.inf
            if step + 1 == max_length - 1:
                forced = torch.full_like(logits, -math.inf)
                forced[:, self.eos] = 0.0
                logits = forced
            nxt = logits.argmax(-1)
            nxt = torch.where(done, torch.full_like(nxt, self.pad), nxt)
            tokens = torch.cat([tokens, nxt[:, None]], 1)
            done |= nxt == self.eos
            if bool(done.all()):
                break
        out = []
        for row in tokens.tolist():
            ids = [row[0]]
            for tok in row[1:]:
                if tok == self.pad:
                    break
                ids.append(tok)
                if tok == self.eos:
                    break
            out.append(ids)
        return out


def read_ids(path):
    with open(path) as f:
        return [[int(x) for x in line.split()] for line in f if line.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", help="Marian folder to decode with")
    ap.add_argument("--ids", help="source ids, one sentence per line (bench_decode --ids-out)")
    ap.add_argument("--compare", help="HeadScope's greedy ids per line (bench_decode --hyp-ids-out)")
    ap.add_argument("--batch-sizes", default="1,32")
    ap.add_argument("--max-length", type=int, default=0, help="0: the model's")
    ap.add_argument("--runs", type=int, default=3,
                    help="timed passes over the sentences per batch size, after one warm-up pass (0: that pass only)")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--write-random", metavar="DIR", help="write a random model of --layers/--heads/--d-model/--ffn")
    ap.add_argument("--like", help="with --write-random: the folder whose config and tokenizer files are copied")
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--d-model", type=int, default=512)
    ap.add_argument("--ffn", type=int, default=1024)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.write_random:
        write_random_model(args.write_random, args.like, args.layers, args.heads, args.d_model, args.ffn, args.seed)
        return
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    model = EagerMarian(args.model)
    sources = read_ids(args.ids)
    max_length = args.max_length or model.max_length
    print(f"eager Marian: {len(sources)} sentences, max length {max_length}, {torch.get_num_threads()} threads, "
          f"torch {torch.__version__}, load {os.getloadavg()[0]:.2f}")
    hyps = []
    for bs in [int(x) for x in args.batch_sizes.split(",")]:
        times, cpu = [], []
        for run in range(args.runs + 1):  # the first pass warms up
            start, cpu_start = time.perf_counter(), time.process_time()
            out = []
            for i in range(0, len(sources), bs):
                out += model.greedy(sources[i:i + bs], max_length)
            if run > 0:
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - cpu_start)
            hyps = out
        tokens = sum(len(h) - 1 for h in hyps)
        if not times:  # --runs 0: one untimed pass (for timing the whole process from outside)
            continue
        med = statistics.median(times)
        print(f"batch {bs:3d}: median {med:.3f} s (min {min(times):.3f}, CPU {statistics.median(cpu):.3f} s) over "
              f"{args.runs} runs, {tokens / med:.1f} tokens/s, {len(sources) / med:.1f} sentences/s")
    if args.compare:
        theirs = read_ids(args.compare)
        same = sum(1 for a, b in zip(hyps, theirs) if a == b)
        print(f"hypotheses identical to HeadScope's: {same}/{len(theirs)}")


if __name__ == "__main__":
    main()

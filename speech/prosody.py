"""How the response emotion sounds: a small table from the VAD point to prosody.

The directions follow the vocal-affect literature (Scherer 2003, "Vocal communication of emotion";
Juslin & Laukka 2003, a meta-analysis of 104 studies): higher **arousal** -> faster, louder, higher
and more variable pitch (joy, anger, fear); lower arousal -> slower, softer, lower, flatter
(sadness). Positive **valence** adds a little pitch and tempo; **dominance** adds loudness. The
sizes are deliberately modest (at most about 30 % tempo, 6 dB, 3 semitones) so the voice stays
natural and intelligible:

| VAD axis (+1)  | rate (tempo)  | energy  | pitch        | variation (noise scales) |
|----------------|---------------|---------|--------------|--------------------------|
| arousal        | +25 %         | +6 dB   | +2.5 st      | +30 %                    |
| valence        | +5 %          |         | +1.5 st      |                          |
| dominance      |               | +2 dB   |              |                          |

Worked examples (anchors of perception.emotions): sadness (-0.63, -0.27, -0.33) -> tempo x0.90,
-2.3 dB, -1.6 st; joy (0.81, 0.51, 0.46) -> tempo x1.17, +4.0 dB, +2.5 st. Every backend applies
`Prosody` with what it has: Piper natively (length_scale, noise_scale, noise_w_scale) plus the
shared gain and pitch shift in `speech/synthesizer.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from perception.emotions import VAD


@dataclass(frozen=True)
class Prosody:
    tempo: float = 1.0  # speaking-rate factor (> 1 faster); Piper length_scale = 1 / tempo
    gain_db: float = 0.0  # energy
    pitch_semitones: float = 0.0
    variation: float = 1.0  # multiplies the generator's noise scales (more expressive when > 1)

    @property
    def length_scale(self) -> float:
        return 1.0 / self.tempo

    @property
    def gain(self) -> float:
        return float(10 ** (self.gain_db / 20))

    @property
    def pitch_factor(self) -> float:
        return float(2 ** (self.pitch_semitones / 12))


def prosody_for(vad: VAD | None) -> Prosody:
    """The prosody for a response VAD point (neutral prosody for None or the origin)."""
    if vad is None:
        return Prosody()
    v, a, d = vad.valence, vad.arousal, vad.dominance
    return Prosody(tempo=float(np.clip(1 + 0.25 * a + 0.05 * v, 0.75, 1.35)),
                   gain_db=float(np.clip(6 * a + 2 * d, -8, 8)),
                   pitch_semitones=float(np.clip(2.5 * a + 1.5 * v, -3, 3)),
                   variation=float(np.clip(1 + 0.3 * a, 0.6, 1.4)))

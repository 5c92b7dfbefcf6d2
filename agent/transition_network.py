"""The network behind `EmotionTransition`: Wen et al. (2021)'s personality-affected emotion transition.

    context  = tanh(W [own emotion, other's emotion, own VAD, other's VAD])     (dialogue context)
    change   = W_c context                                                       (context -> VAD change)
    change'  = change * (1 + tanh(W_g traits)) + softplus(b) * (MEHRABIAN @ traits)   (personality)
    response = clip(own VAD + change', -1, 1)                                    (the new VAD point)
    logits   = W_o [context, response]                                           (label over EMOTIONS)

Personality acts twice, as in the paper: it scales how far the state moves on each axis (the gate,
zero at the start of training) and pulls it toward the speaker's temperament. The temperament term
uses Mehrabian's (1996) published coefficients with a learned non-negative weight per axis, so its
direction always follows the psychology: it cannot learn that agreeable people are less pleasant.
`personality=False` builds the same network without either term (the ablation).

Traits enter centred, 2 * trait - 1 in [-1, 1], so the average person (all 0.5) has no disposition.
"""

from __future__ import annotations

import torch
from torch import nn

from perception.emotions import ANCHOR_MATRIX, EMOTIONS

#: Mehrabian (1996), "Analysis of the Big-five personality factors in terms of the PAD temperament
#: model", Australian J. Psychology 48(2). He writes the equations with emotional *stability* S;
#: PELD's vectors carry *neuroticism* N = the opposite pole, so S's terms change sign here.
#:   P = .21E + .59A + .19S      A = .15O + .30A - .57S      D = .25O + .17C + .60E - .32A
MEHRABIAN = torch.tensor([
    # O     C     E     A     N
    [0.00, 0.00, 0.21, 0.59, -0.19],  # pleasure / valence
    [0.15, 0.00, 0.00, 0.30, 0.57],  # arousal
    [0.25, 0.17, 0.60, -0.32, 0.00],  # dominance
])
N_EMOTIONS = len(EMOTIONS)
CONTEXT_FEATURES = 2 * N_EMOTIONS + 6


def centred(traits: torch.Tensor) -> torch.Tensor:
    """Big Five in [0, 1] -> [-1, 1] (0 = the population average)."""
    return 2.0 * traits - 1.0


class TransitionNetwork(nn.Module):
    def __init__(self, hidden: int = 32, personality: bool = True):
        super().__init__()
        self.personality = personality
        self.context = nn.Sequential(nn.Linear(CONTEXT_FEATURES, hidden), nn.Tanh())
        self.change = nn.Linear(hidden, 3)
        self.gate = nn.Linear(5, 3)
        nn.init.zeros_(self.gate.weight)
        nn.init.zeros_(self.gate.bias)
        self.disposition_weight = nn.Parameter(torch.full((3,), -1.0))  # softplus -> about 0.31
        self.classifier = nn.Linear(hidden + 3, N_EMOTIONS)
        self.register_buffer("mehrabian", MEHRABIAN.clone())
        self.register_buffer("anchors", torch.tensor(ANCHOR_MATRIX))

    def forward(self, own: torch.Tensor, other: torch.Tensor, own_vad: torch.Tensor,
                traits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """own, other: (batch, 7) emotion distributions (one-hot for labels); own_vad: (batch, 3), the
        responder's previous VAD point; traits: (batch, 5) Big Five in [0, 1].
        Returns (logits over EMOTIONS, response VAD)."""
        other_vad = other @ self.anchors
        context = self.context(torch.cat([own, other, own_vad, other_vad], dim=1))
        change = self.change(context)
        if self.personality:
            t = centred(traits)
            change = (change * (1 + torch.tanh(self.gate(t)))
                      + nn.functional.softplus(self.disposition_weight) * (t @ self.mehrabian.T))
        response = (own_vad + change).clamp(-1.0, 1.0)
        return self.classifier(torch.cat([context, response], dim=1)), response

    def disposition(self, traits: torch.Tensor) -> torch.Tensor:
        """The temperament pull alone (batch, 3), as the trained network weighs it."""
        return nn.functional.softplus(self.disposition_weight) * (centred(traits) @ self.mehrabian.T)


class TransitionEnsemble(nn.Module):
    """Networks trained from different seeds, answering together: the mean of their log-probabilities
    and of their response VAD points (less seed noise than any one of them)."""

    def __init__(self, members: list[TransitionNetwork]):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.personality = members[0].personality

    def forward(self, own: torch.Tensor, other: torch.Tensor, own_vad: torch.Tensor,
                traits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        outputs = [m(own, other, own_vad, traits) for m in self.members]
        logits = torch.stack([torch.log_softmax(o[0], dim=-1) for o in outputs]).mean(0)
        return logits, torch.stack([o[1] for o in outputs]).mean(0)

    def disposition(self, traits: torch.Tensor) -> torch.Tensor:
        return torch.stack([m.disposition(traits) for m in self.members]).mean(0)

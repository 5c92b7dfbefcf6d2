"""What the page shows of a turn, without the page's framework: the scores per modality, the user's
words with the cause spans marked, the response emotion and the session's valence/arousal path.
`app.py` puts them into Gradio components."""

from __future__ import annotations

from matplotlib.figure import Figure

#: The modalities as the page names them.
MODALITIES = {"text": "Words", "speech": "Voice", "face": "Face"}


def scores_of(estimate, absent: str = "not present") -> dict[str, float] | str:
    return absent if estimate is None else dict(estimate.scores)


def cause_segments(text: str, spans: list[tuple[int, int]], earlier: list[str]) -> list[tuple[str, str | None]]:
    """The user's words with the cause spans marked; causes found in earlier turns come first."""
    segments: list[tuple[str, str | None]] = []
    for quote in earlier:
        segments += [("earlier: “", None), (quote, "cause"), ("”\n", None)]
    at = 0
    for start, end in sorted(spans):
        if start >= at and end > start:
            segments += [(text[at:start], None), (text[start:end], "cause")]
            at = end
    return segments + [(text[at:], None)]


def response_text(name: str, emotion: str, intensity: float, vad) -> str:
    return (f"**{name} answers with {emotion}** (intensity {intensity:.2f}) · "
            f"valence {vad.valence:+.2f}, arousal {vad.arousal:+.2f}, dominance {vad.dominance:+.2f}")


def affect_note(affect) -> str:
    shown = ", ".join(f"{MODALITIES.get(m, m).lower()}: {e.label}" for m, e in affect.modalities.items())
    note = f"**You: {affect.fused.label}** ({shown})"
    conflict = affect.describe_conflict()
    return note + (f" · ⚠ they disagree: {conflict}" if conflict else " · the modalities agree")


def trajectory(turns) -> Figure:
    """The session in the valence/arousal plane: the user's fused reading and the agent's response."""
    figure = Figure(figsize=(4.4, 3.6), dpi=90)
    ax = figure.add_subplot()
    ax.axhline(0, color="#ccc", lw=0.8)
    ax.axvline(0, color="#ccc", lw=0.8)
    for who, points, colour in (
            ("you", [t.affect.fused.vad for t in turns], "#2b6cb0"),
            ("agent", [t.response_vad for t in turns], "#dd6b20")):
        v, a = [p.valence for p in points], [p.arousal for p in points]
        ax.plot(v, a, "-o", color=colour, label=who, alpha=0.85, ms=5)
        for i, (x, y) in enumerate(zip(v, a)):
            ax.annotate(str(i + 1), (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7,
                        color=colour)
    ax.set(xlim=(-1, 1), ylim=(-1, 1), xlabel="valence", ylabel="arousal",
           title="This session, turn by turn" if turns else "No turns yet")
    ax.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    return figure


def as_messages(turns) -> list[dict[str, str]]:
    return [m for t in turns for m in ({"role": "user", "content": t.user_text},
                                       {"role": "assistant", "content": t.reply_text})]

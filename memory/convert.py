"""Conversions between the record types (`memory.records`) and the ORM rows (`memory.models`)."""

from __future__ import annotations

from datetime import datetime, timezone

from perception.emotions import VAD, Cause, EmotionEstimate, UserAffect

from memory.models import Turn, TurnCause, TurnEstimate, TurnMedia
from memory.records import MediaItem, StoredTurn, TurnRecord


def as_utc(moment: datetime) -> datetime:
    """`moment` as an aware UTC datetime (SQLite hands back naive ones)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _estimate_row(estimate: EmotionEstimate, modality: str, is_fused: bool) -> TurnEstimate:
    return TurnEstimate(
        is_fused=is_fused, modality=modality, label=estimate.label,
        scores={str(k): float(v) for k, v in estimate.scores.items()},
        valence=float(estimate.vad.valence), arousal=float(estimate.vad.arousal),
        dominance=float(estimate.vad.dominance), confidence=float(estimate.confidence))


def _cause_row(cause: Cause) -> TurnCause:
    return TurnCause(utterance=cause.utterance, start=cause.start, end=cause.end,
                     text=cause.text, score=cause.score)


def turn_row(record: TurnRecord, session_pk: int, index: int) -> Turn:
    """A new `Turn` row (with its estimate and cause rows) for `record`."""
    fused = record.affect.fused
    estimates = [_estimate_row(fused, fused.modality, True)]
    estimates += [_estimate_row(est, key, False) for key, est in record.affect.modalities.items()]
    vad = record.response_vad
    return Turn(
        session_id=session_pk, index=index, user_text=record.user_text,
        reply_text=record.reply_text, response_emotion=record.response_emotion,
        response_valence=float(vad.valence), response_arousal=float(vad.arousal),
        response_dominance=float(vad.dominance),
        response_intensity=float(record.response_intensity), fused_label=fused.label,
        timings={str(k): float(v) for k, v in record.timings.items()}, persona=record.persona,
        risk=float(record.risk), crisis=record.crisis, careful=bool(record.careful),
        estimates=estimates, causes=[_cause_row(c) for c in record.causes],
        media=[TurnMedia(kind=m.kind, mime_type=m.mime_type, data=bytes(m.data))
               for m in record.media])


def _estimate(row: TurnEstimate) -> EmotionEstimate:
    return EmotionEstimate(label=row.label, scores=dict(row.scores),
                           vad=VAD(row.valence, row.arousal, row.dominance),
                           confidence=row.confidence, modality=row.modality)


def stored_turn(row: Turn, user_id: str, session_id: str, with_media: bool = False) -> StoredTurn:
    """The `StoredTurn` for a loaded `Turn` row (estimates and causes, and media if asked, loaded)."""
    fused = next(_estimate(e) for e in row.estimates if e.is_fused)
    modalities = {e.modality: _estimate(e) for e in row.estimates if not e.is_fused}
    return StoredTurn(
        user_id=user_id, session_id=session_id, user_text=row.user_text,
        affect=UserAffect(fused=fused, modalities=modalities),
        causes=[Cause(c.utterance, c.start, c.end, c.text, c.score) for c in row.causes],
        response_emotion=row.response_emotion,
        response_vad=VAD(row.response_valence, row.response_arousal, row.response_dominance),
        response_intensity=row.response_intensity, reply_text=row.reply_text,
        timings=dict(row.timings), persona=row.persona,
        media=[MediaItem(m.kind, m.mime_type, bytes(m.data)) for m in row.media] if with_media else [],
        risk=row.risk or 0.0, crisis=row.crisis, careful=bool(row.careful), index=row.index, created_at=as_utc(row.created_at))

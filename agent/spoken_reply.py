"""The reply said aloud: the one place the turn calls the TTS.

`SpokenReply` takes the reply's text as it is written (`feed`, delta by delta), speaks each sentence
as soon as it is finished and hands it on as an `AudioChunk`, so the first audio is out while the
rest is still being written. `finish` gets the final reply: a reply rewritten after a sentence was
said (the live candidate failed a check) is said whole, so a voice session never goes silent;
otherwise only what is left (the last sentence) is said. It returns the whole reply's audio.
A reply that was never streamed is fed nothing and said whole by `finish`.
"""

from __future__ import annotations

from typing import Any, Callable

from agent.events import AudioChunk
from perception.emotions import VAD
from perception.audio import Audio
from perception.sentences import split_sentences
from speech.sentences import SentenceBuffer


class SpokenReply:
    def __init__(self, synthesizer: Callable[[], Any], vad: VAD, emit: Callable[[AudioChunk], None]):
        self.synthesizer, self.vad, self.emit = synthesizer, vad, emit
        self.sentences = SentenceBuffer()  # its leftover is the reply's tail
        self.spoken: list[Audio] = []
        self.said: list[str] = []

    def say(self, sentence: str) -> None:
        audio = self.synthesizer().synthesize(sentence, self.vad)
        self.spoken.append(audio)
        self.said.append(sentence)
        self.emit(AudioChunk(audio, sentence))

    def feed(self, delta: str) -> None:
        for sentence in self.sentences.feed(delta):
            self.say(sentence)

    def finish(self, reply: str) -> Audio | None:
        said, final = " ".join(" ".join(self.said).split()), " ".join(reply.split())
        if not final.startswith(said):  # rewritten after a sentence was said: say the new reply
            for sentence in split_sentences(final):
                self.say(sentence)
        elif final[len(said):].strip():  # the last sentence, or what cleaning kept of the tail
            self.say(final[len(said):].strip())
        return Audio.concat(self.spoken, pause_s=0.12) if self.spoken else None

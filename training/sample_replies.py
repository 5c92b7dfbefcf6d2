"""Sample reply candidates from the configured LLM for a few fixed messages, to compare settings.

    python -m training.sample_replies --temperature 0.6 --repetition-penalty 1.05

Prints each message's candidates (cleaned), why any is degenerate, and the batch's time.
"""

from __future__ import annotations

import argparse
import time

from agent.llm import GenerationOptions, load_llm
from agent.persona import Persona
from agent.prompt import PromptInput, transcript_prompt, transcript_stops
from agent.reply_checks import degeneracy
from agent.respond import clean_reply
from agent.settings import Settings

CASES = [("I lost my job today", "sadness", "I lost my job today", "neutral"),
         ("They said it was budget cuts", "anger", "budget cuts", "neutral"),
         ("I got a puppy!", "joy", "I got a puppy", "joy"),
         ("My exam is tomorrow and I haven't studied", "fear", "I haven't studied", "fear")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--temperature", type=float, default=0.6)
    parser.add_argument("--repetition-penalty", type=float, default=1.05)
    parser.add_argument("--candidates", type=int, default=4)
    parser.add_argument("--max-new-tokens", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    settings = Settings.load()
    llm = load_llm(settings.llm, settings.device, settings.cache_dir)
    for text, emotion, cause, response in CASES:
        p = PromptInput(Persona(), text, emotion, cause, response)
        options = GenerationOptions(
            max_new_tokens=args.max_new_tokens, temperature=args.temperature, top_p=0.9,
            repetition_penalty=args.repetition_penalty, num_candidates=args.candidates,
            stop=transcript_stops(p.persona), seed=args.seed)
        start = time.perf_counter()
        out = llm.complete(transcript_prompt(p), options)
        print(f"--- {text} ({time.perf_counter() - start:.1f} s)")
        for candidate in out:
            reply = clean_reply(candidate)
            print(f"    {reply!r}  {degeneracy(reply, text) or ''}")


if __name__ == "__main__":
    main()

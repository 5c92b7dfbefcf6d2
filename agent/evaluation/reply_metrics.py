"""Reference-based reply metrics, defined as the ESConv authors' evaluation code defines them
(thu-coai/Emotional-Support-Conversation, `codes_zcj/metric/myMetrics.py`), so the figures compare with
published ESConv results:

- words: the lower-cased reply split by NLTK's Treebank word tokenizer (the authors call
  `nltk.word_tokenize`, which adds a sentence splitter that needs a download; the words are the same
  for one-line replies);
- BLEU-k: NLTK's corpus BLEU with weights 1/k on the first k n-gram orders and smoothing method 3;
- ROUGE-L: the F-measure of the longest common subsequence with beta 1.2, averaged over replies;
- Distinct-k: distinct k-grams over all k-grams of all generated replies, where, as in that code, a
  reply's last k-gram is not counted (its loop stops one short);
- all figures x100, as the field writes them.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _tokenizer():
    from nltk.tokenize import TreebankWordTokenizer

    return TreebankWordTokenizer()


def word_tokens(text: str) -> list[str]:
    return _tokenizer().tokenize(text.lower())


def lcs_length(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence of two token lists."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l(hypothesis: list[str], reference: list[str], beta: float = 1.2) -> float:
    common = lcs_length(reference, hypothesis)
    if not common:
        return 0.0
    precision, recall = common / len(hypothesis), common / len(reference)
    return (1 + beta ** 2) * precision * recall / (recall + beta ** 2 * precision)


def distinct(hypotheses: list[list[str]], k: int) -> float:
    grams = [tuple(words[i:i + k]) for words in hypotheses for i in range(len(words) - k)]
    return len(set(grams)) / len(grams) if grams else 0.0


def bleu(hypotheses: list[list[str]], references: list[list[str]], k: int) -> float:
    from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu

    weights = [1.0 / k] * k + [0.0] * (4 - k)
    try:
        return corpus_bleu([[r] for r in references], hypotheses, weights=weights,
                           smoothing_function=SmoothingFunction().method3)
    except ZeroDivisionError:  # nothing generated at all
        return 0.0


def reply_scores(hypotheses: list[str], references: list[str]) -> dict[str, float]:
    """BLEU-1/2/4, ROUGE-L, Distinct-1/2 (all x100) and the mean reply length in words."""
    if len(hypotheses) != len(references) or not hypotheses:
        raise ValueError(f"need one reference per reply, and at least one: {len(hypotheses)} replies, "
                         f"{len(references)} references")
    hyps, refs = [word_tokens(h) for h in hypotheses], [word_tokens(r) for r in references]
    return {**{f"bleu-{k}": 100 * bleu(hyps, refs, k) for k in (1, 2, 4)},
            "rouge-l": 100 * sum(rouge_l(h, r) for h, r in zip(hyps, refs)) / len(hyps),
            **{f"distinct-{k}": 100 * distinct(hyps, k) for k in (1, 2)},
            "length": sum(map(len, hyps)) / len(hyps)}

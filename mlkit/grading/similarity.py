"""Submissions that are suspiciously alike: winnowing fingerprints, as MOSS computes them.

The fingerprints and the shared passages come from ``copydetect``
(https://github.com/blingenf/copydetect), which implements the winnowing of
Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms for document
fingerprinting" (SIGMOD 2003), the algorithm of MOSS: the code is tokenized
(every variable name becomes ``V``, every function name ``F``, strings ``S``;
whitespace and comments go), its k-grams hashed, and the minimum hash of each
window kept. Renaming variables, reformatting or adding comments changes none
of a submission's fingerprints.

What is compared is each student's **own** code:

- only the solution cells (the cells a student writes in), never the course's
  provided or test cells;
- without the lines of the released template (the ``def`` line, the
  docstring, ``# YOUR CODE HERE``), by :func:`own_code`;
- without any fingerprint of the released notebook's code (copydetect's
  *boilerplate*);
- without the passages that many students wrote alike (MOSS's ``-m``): a
  passage found in more than ``common`` submissions is how the class writes
  it, not evidence of copying.

Writing alike by chance is common in short exercises: many students write
``1 / (1 + np.exp(-x))``. So a shared fingerprint counts by its rarity: one
that only the two students hold counts 1, one that ``n`` students hold counts
``1 / (n - 1)``; a common passage counts 0. A pair is listed when, for one of
the two, the weighted shared fingerprints make at least ``threshold`` of all
the fingerprints of their own code (common ones included: copying one function
of seven is a seventh), and the code they share is at least ``min_shared``
tokens long. Nothing here changes a grade: the list is for an
instructor to read.
"""

import hashlib
import math
import multiprocessing as mp
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Pair", "Submission", "class_code", "code_key", "compare", "own_code",
           "solution_sources"]

# copydetect's noise threshold: k = 25 characters of tokenized code. Its guarantee threshold
# is 30 (a window of 30 - 25 + 1 = 6 k-grams); here it is 25, a window of one k-gram, so that
# every k-gram is a fingerprint: copydetect hashes with Python's hash(), which changes with
# every process, so a wider window keeps different fingerprints at every build and the
# report's pairs near the threshold would change from one build to the next. Short exercises
# have little code: keeping every k-gram costs little.
NOISE = 25
GUARANTEE = 25


def own_code(source, template):
    """A solution cell's code without the lines of its released template.

    Args:
        source: the cell's source as the student submitted it.
        template: the same cell's source in the released notebook.

    Returns:
        The source with every line that is also a line of the template (ignoring
        indentation and trailing spaces) removed, and blank lines removed.

    Example:
        >>> template = "def f(x):\\n    # YOUR CODE HERE\\n    raise NotImplementedError()"
        >>> own_code("def f(x):\\n    y = 2 * x\\n\\n    return y\\n", template)
        '    y = 2 * x\\n    return y'
    """
    given = {line.strip() for line in template.splitlines() if line.strip()}
    return "\n".join(line.rstrip() for line in source.splitlines()
                     if line.strip() and line.strip() not in given)


def _source(cell):
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def solution_sources(notebook):
    """``grade_id -> source`` of a notebook's solution cells (the notebook as JSON data)."""
    found = {}
    for cell in notebook.get("cells", []):
        grading = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell, dict) else {}
        if cell.get("cell_type") == "code" and isinstance(grading, dict) \
                and grading.get("solution") and "grade_id" in grading:
            found[str(grading["grade_id"])] = _source(cell)
    return found


@dataclass
class Submission:
    """One student's own code for one assignment.

    Attributes:
        student: the student's id.
        code: their solution cells, template lines removed, each after a ``# <grade_id>`` line.
    """

    student: str
    code: str


def class_code(course, assignment, *, autograded="autograded", release="exercises",
               sources=None):
    """Every student's own code for ``assignment``, and the released notebooks' code.

    Args:
        course: the course directory.
        assignment: the assignment's name.
        autograded: the course's autograded folder (the submissions as graded).
        release: the course's release folder (``exercises/``, holding the templates).
        sources: ``student -> {notebook file name -> solution_sources(...)}`` when the
            caller has read the autograded notebooks already; else they are read here.

    Returns:
        ``(submissions, released)``: a list of :class:`Submission`, sorted by
        student, and the code of every code cell of the released notebooks.
    """
    from mlkit.grading.checks import entries, read_json

    course = Path(course)
    templates, released = {}, []
    for path in sorted((course / release / assignment).glob("*.ipynb")):
        notebook = read_json(path) or {"cells": []}
        templates[path.name] = solution_sources(notebook)
        released += [_source(cell) for cell in notebook["cells"]
                     if isinstance(cell, dict) and cell.get("cell_type") == "code"]
    if sources is None:
        sources = {}
        for name, student, path in entries(course, autograded):
            notebook = read_json(path) if name == assignment else None
            if notebook is not None:
                sources.setdefault(student, {})[path.name] = solution_sources(notebook)
    submissions = []
    for student in sorted(sources):
        parts = []
        for name, cells in templates.items():
            for grade_id, source in sources[student].get(name, {}).items():
                code = own_code(source, cells.get(grade_id, ""))
                if code:
                    parts.append(f"# {grade_id}\n{code}")
        submissions.append(Submission(student, "\n\n".join(parts)))
    return submissions, "\n\n".join(released)


@dataclass
class Pair:
    """Two submissions found alike.

    Attributes:
        first, second: the two students, in order.
        similarity: for each one, the share of its fingerprints that the other has
            too, each weighted by its rarity in the class (see :func:`compare`).
        overlap: for each one, the share of its compared code that the other has
            too, as copydetect counts it (unweighted).
        shared: the length of the shared code (tokens, as copydetect counts them).
        first_code, second_code: their own code, as compared.
        first_passages, second_passages: the shared passages in each code, as
            ``(start, end)`` character offsets.
    """

    first: str
    second: str
    similarity: tuple
    overlap: tuple
    shared: int
    first_code: str = ""
    second_code: str = ""
    first_passages: list = field(default_factory=list)
    second_passages: list = field(default_factory=list)

    @property
    def score(self):
        """The larger of the two shares: how much of one submission the other holds."""
        return max(self.similarity)


@dataclass
class _Fingerprint:
    """What copydetect's ``compare_files`` reads of a ``CodeFingerprint``, built from a
    tokenization that may come from the cache."""

    k: int
    filtered_code: str
    offsets: object
    hashes: set
    hash_idx: dict
    token_coverage: int


def code_key(code):
    """The key of ``code`` in a tokenization cache (see :func:`compare`)."""
    return hashlib.sha256(code.encode()).hexdigest()


def _tokenize(code):
    """copydetect's tokenization of ``code`` (``filter_code``), as JSON-ready data."""
    import numpy as np
    from copydetect.utils import filter_code

    filtered, offsets = filter_code(code, "submission.py", "python")
    return [filtered, np.asarray(offsets).tolist()]


def _tokenize_all(codes, cache, *, parallel_from=64):
    """Put the tokenization of every code not yet in ``cache`` in it.

    Tokenizing (Pygments' Python lexer) is most of a comparison's time, and each
    code is tokenized independently: from ``parallel_from`` codes on, the work
    is shared among the machine's CPUs (forked processes).
    """
    missing = sorted({code_key(code): code for code in codes if code_key(code) not in cache}
                     .items())
    workers = min(os.cpu_count() or 1, 8)
    if len(missing) >= parallel_from and workers > 1 and "fork" in mp.get_all_start_methods():
        with mp.get_context("fork").Pool(workers) as pool:
            done = pool.map(_tokenize, [code for _, code in missing], chunksize=16)
    else:
        done = [_tokenize(code) for _, code in missing]
    cache.update({key: result for (key, _), result in zip(missing, done, strict=True)})


def _tokenized(code, cache):
    """copydetect's tokenization of ``code``, from ``cache`` (filled if it lacks it)."""
    import numpy as np

    key = code_key(code)
    if key not in cache:
        cache[key] = _tokenize(code)
    filtered, offsets = cache[key]
    return filtered, np.asarray(offsets, dtype=int).reshape(-1, 2) if offsets else np.array([])


def _fingerprint(code, k, window, cache):
    """copydetect's fingerprints of ``code`` (k-grams hashed, then winnowed)."""
    from copydetect.utils import get_document_fingerprints, get_token_coverage

    filtered, offsets = _tokenized(code, cache)
    hashes, index = get_document_fingerprints(filtered, k, window)
    return _Fingerprint(k, filtered, offsets, hashes, index,
                        get_token_coverage(index, k, len(filtered)))


def _without(fingerprint, ignored):
    """``fingerprint`` without the hashes in ``ignored`` (copydetect's boilerplate, removed
    after the fact so that each submission is hashed once)."""
    from copydetect.utils import get_token_coverage

    if not fingerprint.hashes & ignored:
        return fingerprint
    index = {value: places for value, places in fingerprint.hash_idx.items()
             if value not in ignored}
    return _Fingerprint(fingerprint.k, fingerprint.filtered_code, fingerprint.offsets,
                        fingerprint.hashes - ignored, index,
                        get_token_coverage(index, fingerprint.k, len(fingerprint.filtered_code)))


def _merge(slices):
    starts, ends = slices
    merged = []
    for start, end in sorted(zip(starts.tolist(), ends.tolist(), strict=True)):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [tuple(item) for item in merged]


def _rare_share(first, second, counts, sizes):
    """Each one's share of its own code that the other has, each fingerprint weighted by
    its rarity.

    A fingerprint that only these two submissions hold counts 1; one that ``n``
    submissions hold counts ``1 / (n - 1)``: the other ``n - 2`` could as well
    be where it came from, or it is simply how several students write it.

    Args:
        first, second: the two submissions' fingerprints, common ones left out.
        counts: how many submissions hold each fingerprint.
        sizes: how many fingerprints each submission had, common ones included: the
            share is of all of a student's own code.

    Example:
        >>> _rare_share({1, 2, 3, 4}, {1, 2, 9}, {1: 2, 2: 3, 3: 1, 4: 1, 9: 1}, (4, 3))
        (0.375, 0.5)
    """
    shared = sum(1 / (counts[value] - 1) for value in first & second)
    return tuple(shared / size if size else 0.0 for size in sizes)


def compare(submissions, released="", *, threshold=0.2, common=None, min_shared=60,
            noise=NOISE, guarantee=GUARANTEE, cache=None):
    """The pairs of submissions that share more code than chance explains.

    Args:
        submissions: a list of :class:`Submission`.
        released: the course's code (the released notebooks), never counted as shared.
        threshold: the rarity-weighted share of one submission's fingerprints that the
            other must hold (0 to 1) for the pair to be listed.
        common: a passage found in more than this many submissions is ignored (MOSS's
            ``-m``); default: 10 or 5% of the class, whichever is larger.
        min_shared: the least shared code (tokens) for a pair to be listed.
        noise: copydetect's noise threshold (k-gram length); no match shorter is found.
        guarantee: copydetect's guarantee threshold; every match this long is found.
        cache: a dict of tokenized code by its hash (tokenizing is most of the time:
            give the same dict, kept in a file, to compare again after new submissions).

    Returns:
        A list of :class:`Pair`, most similar first.

    Raises:
        ValueError: for a threshold outside (0, 1] or a guarantee below the noise.
    """
    from copydetect import compare_files

    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be a share in (0, 1]; got {threshold}")
    if guarantee < noise:
        raise ValueError(f"guarantee ({guarantee}) must be at least noise ({noise})")
    window = guarantee - noise + 1
    if common is None:
        common = max(10, math.ceil(0.05 * len(submissions)))
    cache = {} if cache is None else cache
    _tokenize_all([released, *(s.code for s in submissions)], cache)
    course = _fingerprint(released, noise, window, cache).hashes if released else set()
    first = [_fingerprint(s.code, noise, window, cache) for s in submissions]
    counts = defaultdict(int)
    for prints in first:
        for value in prints.hashes:
            counts[value] += 1
    ignored = course | {value for value, count in counts.items() if count > common}
    prints = [_without(fingerprint, ignored) for fingerprint in first]
    holders = defaultdict(list)
    for index, fingerprint in enumerate(prints):
        for value in fingerprint.hashes:
            holders[value].append(index)
    candidates = {(a, b) for indices in holders.values()
                  for i, a in enumerate(indices) for b in indices[i + 1:]}
    pairs = []
    for a, b in sorted(candidates):
        rare = _rare_share(prints[a].hashes, prints[b].hashes, counts,
                           (len(first[a].hashes), len(first[b].hashes)))
        if max(rare) < threshold:
            continue
        shared, similarity, slices = compare_files(prints[a], prints[b])
        if shared < min_shared:
            continue
        pairs.append(Pair(submissions[a].student, submissions[b].student, rare,
                          tuple(float(value) for value in similarity), int(shared),
                          submissions[a].code, submissions[b].code,
                          _merge(slices[0]), _merge(slices[1])))
    return sorted(pairs, key=lambda pair: (-pair.score, -pair.shared, pair.first, pair.second))

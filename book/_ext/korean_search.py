"""Search in the Korean edition that finds a word whatever particle follows it.

Korean attaches particles and endings to words: 뉴런은, 뉴런을, 뉴런의 are all
뉴런. Sphinx has no Korean search and splits text at spaces, so a search for
뉴런 finds none of them. This registers a search language for ``ko``:

- **Indexing** (Python, at build time): each word as written, and the content
  morphemes of the Korean text (nouns, verb and adjective stems, roots, foreign
  words) as Kiwi, a Korean morphological analyser (``kiwipiepy``), finds them:
  가중합을 is indexed as 가중합을 and 가중합.
- **Stemming**, the same rule in Python and in the reader's browser (the JS
  stemmer below): one trailing particle or copula ending is cut from a Hangul
  word, so 뉴런은 (in the text or typed in the search box) becomes 뉴런.

The analyser loads on the first Korean text indexed, so a rebuild that
indexes nothing does not pay for it.

Example:
    >>> strip_particle("뉴런은"), strip_particle("확률입니다"), strip_particle("neuron")
    ('뉴런', '확률', 'neuron')
"""

import json
import re

from sphinx.search import SearchLanguage
from sphinx.search.en import english_stopwords

HANGUL = re.compile(r"[\uac00-\ud7a3]")

#: Particles and copula endings cut from the end of a Hangul word, longest first.
PARTICLES = tuple(sorted({
    "은", "는", "이", "가", "을", "를", "의", "에", "에서", "에게", "에게서", "께서", "한테",
    "으로", "로", "으로서", "로서", "으로써", "로써", "와", "과", "도", "만", "부터", "까지",
    "보다", "처럼", "마다", "이나", "나", "이란", "란", "이라는", "라는", "에는", "에서는",
    "으로는", "로는", "과는", "와는", "에도", "에서도", "으로도", "로도", "만큼", "뿐",
    "조차", "입니다", "이다", "이고", "이며", "이면", "이므로", "이지만", "인", "들",
}, key=lambda particle: (-len(particle), particle)))

# Kiwi's tags of content morphemes: nouns, stems, roots, foreign words and numbers.
CONTENT_TAGS = {"NNG", "NNP", "NR", "VV", "VA", "XR", "SL", "SH", "SN"}


def strip_particle(word):
    """``word`` without one trailing particle, if it is a Hangul word longer than it."""
    if HANGUL.search(word[-1:] or " "):
        for particle in PARTICLES:
            if len(word) > len(particle) and word.endswith(particle):
                return word[: -len(particle)]
    return word


class SearchKorean(SearchLanguage):
    lang = "ko"
    language_name = "Korean"
    stopwords = english_stopwords  # the English words of a Korean page (code, terms)
    js_stemmer_code = """
/**
 * Korean: cut one trailing particle from a Hangul word (book/_ext/korean_search.py).
 */
var Stemmer = function() {
  var particles = PARTICLES;
  this.stemWord = function(word) {
    if (!/[\\uac00-\\ud7a3]$/.test(word)) return word;
    for (var i = 0; i < particles.length; i++) {
      var p = particles[i];
      if (word.length > p.length && word.endsWith(p)) return word.slice(0, -p.length);
    }
    return word;
  };
};
""".replace("PARTICLES", json.dumps(PARTICLES, ensure_ascii=False))

    def init(self, options):
        self._kiwi = None

    def _analyser(self):
        if self._kiwi is None:
            from kiwipiepy import Kiwi

            self._kiwi = Kiwi()
        return self._kiwi

    def split(self, text):
        words = self._word_re.findall(text)
        if not HANGUL.search(text):
            return words
        morphemes = [token.form for token in self._analyser().tokenize(text)
                     if token.tag.split("-")[0] in CONTENT_TAGS and not token.form.isdigit()]
        return words + morphemes

    def stem(self, word):
        return strip_particle(word)

    def word_filter(self, word):
        if HANGUL.search(word):
            return True  # one syllable can be a word: 층 (layer), 합 (sum)
        return len(word) > 1 and word not in self.stopwords


def setup(app):
    app.add_search_language(SearchKorean)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

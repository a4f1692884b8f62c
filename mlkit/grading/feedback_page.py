"""nbgrader's feedback page in the language of the release the student submitted.

The page nbgrader writes around a graded notebook (its template ``feedback``)
says "Score", "Test cell", "Student's answer", "Grade cell", "Comments" and
"(Top)". For a submission of a translated release those words are said in its
language: :class:`PageWords`, a step of the feedback converter, puts them,
translated from mlkit's catalogue (:data:`WORDS`), into the resources the
template reads, and the converter renders the page with
``templates/feedback/translated.html.j2``, a template that extends nbgrader's
and, given translated words, says them in place of the English. An English
submission gets no words, and its page is nbgrader's own.
"""

import types
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor

from mlkit.messages import tr, translated
from mlkit.messages.language import of_submission

__all__ = ["RESOURCES_KEY", "TEMPLATE_DIR", "TEMPLATE_FILE", "WORDS", "PageWords", "words"]

# The folder that holds the template, as an nbconvert template base directory: its
# ``feedback/`` adds a file to nbgrader's template of that name.
TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_FILE = "translated.html.j2"
# Where the template finds the translated words, in the converter's resources.
RESOURCES_KEY = "mlkit_page_words"

# The words of nbgrader's feedback page, by the name the template gives each.
WORDS = types.MappingProxyType({
    # Translators: a score on nbgrader's feedback page, as in "Score: 1.5 / 2.0".
    "score": tr("Score: %(score)s / %(points)s"),
    # Translators: the link back to the top of nbgrader's feedback page.
    "top": tr("(Top)"),
    # Translators: a cell of hidden and visible checks, in nbgrader's feedback page's contents.
    "test_cell": tr("Test cell"),
    # Translators: a code answer graded by hand, in nbgrader's feedback page's contents.
    "coding_response": tr("Coding free-response"),
    # Translators: a text answer graded by hand, in nbgrader's feedback page's contents.
    "written_response": tr("Written response"),
    # Translators: nbgrader's "task" cell (a task graded by hand), on its feedback page.
    "task": tr("Task"),
    # Translators: a link to the grader's comment on a cell, in nbgrader's feedback page.
    "comment": tr("Comment"),
    # Translators: the grader's comments on a cell, on nbgrader's feedback page.
    "comments": tr("Comments"),
    # Translators: the points taken off for a late submission, on nbgrader's feedback page.
    "late_penalty": tr("Late submission penalty (Score: -%(penalty)s)"),
    # Translators: the label of the student's answer cell, on nbgrader's feedback page.
    "students_answer": tr("Student's answer"),
    # Translators: the label of the student's task cell, on nbgrader's feedback page.
    "students_task": tr("Student's task"),
    # Translators: the label of a graded cell, followed by its grade id, on nbgrader's
    # feedback page.
    "grade_cell": tr("Grade cell"),
})


def words(language):
    """The page's words in ``language``, by name; None for English (nbgrader's own page).

    A placeholder such as ``%(score)s`` stays in the word, for the template to fill.

    Example:
        >>> words("ko")["score"], words("ko")["students_answer"]
        ('점수: %(score)s / %(points)s', '학생의 답안')
        >>> print(words("en"))
        None
    """
    if language == "en":
        return None
    return {name: translated(word, language) for name, word in WORDS.items()}


class PageWords(NbGraderPreprocessor):
    """Step of ``generate_feedback``: the page's words in the submission's language.

    Puts :func:`words` of the notebook's release
    (:func:`mlkit.messages.language.of_submission`) into ``resources``
    (:data:`RESOURCES_KEY`), for the template ``translated.html.j2``; an English
    submission's resources get none. What a submission holds decides only which of
    the course's translations is used.
    """

    def preprocess(self, nb, resources):
        resources.pop(RESOURCES_KEY, None)
        page_words = words(of_submission(nb))
        if page_words is not None:
            resources[RESOURCES_KEY] = page_words
        return nb, resources

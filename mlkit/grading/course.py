"""A course's nbgrader configuration, the one every step of ``mlkit-grade`` starts from."""

from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

__all__ = ["course_config"]


def course_config(course):
    """The course's ``nbgrader_config.py`` (when it has one), rooted at the course directory.

    Each step adds its own preprocessors to a configuration of its own: the
    object returned is new at each call.

    Args:
        course: the course directory.

    Returns:
        A traitlets ``Config``.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "nbgrader_config.py").write_text("c.Execute.timeout = 5\\n")
        >>> config = course_config(folder)
        >>> config.Execute.timeout, config.CourseDirectory.root == str(folder.resolve())
        (5, True)
    """
    config = Config()
    config_file = Path(course) / "nbgrader_config.py"
    if config_file.exists():
        config.merge(PyFileConfigLoader(str(config_file)).load_config())
    config.CourseDirectory.root = str(Path(course).resolve())
    return config

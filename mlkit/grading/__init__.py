"""Grading tools of the course: nbgrader notebooks, submissions and autograding.

- :mod:`mlkit.grading.notebooks`: read an assignment's notebooks, take the
  reference answers out of a source notebook, build a submission from a
  released notebook and a set of answers.
"""

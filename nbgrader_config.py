"""nbgrader configuration of the course: only what differs from nbgrader's defaults."""

c = get_config()  # noqa: F821 - injected by traitlets when nbgrader loads this file

# The course's name in the gradebook and in exported grades (the default is empty).
c.CourseDirectory.course_id = "dnn-course-kit"

# The released stub says what to do; the default `raise NotImplementedError()` has no message,
# and the visible checks quote this message when a student runs a test cell too early.
c.ClearSolutions.code_stub = {
    "python": '# YOUR CODE HERE\nraise NotImplementedError("not implemented yet: replace this line with your code")',
}

# Also never copy hypothesis' cache folder, which running the checks in source/ leaves behind.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".hypothesis"]

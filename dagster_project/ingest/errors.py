"""The one error a person sees when a delivered file cannot be read at all."""


class RawFileError(Exception):
    """A file that cannot be loaded: names the file, what is wrong and what was expected."""

    def __init__(self, source_file: str, problem: str, expected: str = "") -> None:
        self.source_file = source_file
        self.problem = problem
        self.expected = expected
        message = f"{source_file}: {problem}"
        if expected:
            message += f". Expected {expected}"
        super().__init__(message)

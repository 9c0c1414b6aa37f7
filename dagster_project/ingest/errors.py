"""The one error a person sees when a delivered file cannot be read at all."""


class RawFileError(Exception):
    """A file that cannot be loaded: names the file, what is wrong and what was expected."""

    def __init__(self, source_file: str, problem: str, expected: str = "") -> None:
        self.source_file = source_file
        self.problem = problem
        self.expected = expected
        super().__init__(f"{source_file}: {self.reason}")

    @property
    def reason(self) -> str:
        """What is wrong and what was expected, without the file's name."""
        return f"{self.problem}. Expected {self.expected}" if self.expected else self.problem

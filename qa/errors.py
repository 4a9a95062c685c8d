"""Errors that say what went wrong and how to fix it."""


class QAError(Exception):
    """Base class of the errors this package raises on purpose; the CLI prints them without a traceback."""


class InvalidQuestion(QAError, ValueError):
    """The question is empty or too long."""


class EmbeddingModelMismatch(QAError):
    """The collection was embedded with another model than the one configured."""


class ModelNotInstalled(QAError):
    """An embedding or language model's package is missing."""


class StoreUnavailable(QAError):
    """The Chroma store cannot be opened or reached."""


class CollectionNotFound(QAError):
    """The collection does not exist yet: nothing has been ingested."""


class GeneratorError(QAError):
    """A generator is unknown, not installed, or its backend failed."""


class InvalidCollectionName(QAError, ValueError):
    """A collection name Chroma would not accept."""


class AccessNotConfigured(QAError):
    """The chat would listen beyond this machine without a login."""


class StoreFull(QAError):
    """The disk holding the store folder has no room for the next write."""


class UnknownDocument(QAError, ValueError):
    """A document filter names a doc_id the collection does not hold."""


class StoreBusy(QAError):
    """Another process holds the store's write lock for too long."""


class StoreDamaged(QAError):
    """Part of the store (the vector index, the manifest) cannot be read; the message names the repair."""

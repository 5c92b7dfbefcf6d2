"""Load each model once per process and share it: one cache for every component kind.

`shared_model(kind, source, device, factory)` returns the cached instance for that key or builds it
with `factory()` under a lock, so concurrent sessions never load the same weights twice. Components'
`.load()` with no argument ask `active_source(kind)`, which the agent sets from the active profile.
`BackendRegistry` is the one way a kind of component (ASR, TTS, LLM, text-emotion models) names its
backends: a new backend is one file that registers itself, in the folder and with the name ending
its registry's `modules` gives (`speech/*_asr.py`, `speech/*_tts.py`, `agent/llm/*_backend.py`,
`perception/*_text_emotion.py`).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Generic, TypeVar

T = TypeVar("T")

_cache: dict[tuple[str, str, str], Any] = {}
_locks: dict[tuple[str, str, str], threading.Lock] = {}
_guard = threading.Lock()
_active: dict[str, str] = {}


class ModelLoadError(RuntimeError):
    """A model could not be loaded from the given source (missing path, wrong format, ...)."""


def resolve_device(device: str = "auto") -> str:
    """'auto' picks CUDA when a GPU is present, else CPU; anything else is returned as given."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def local_model_path(source: str) -> str:
    """`source` as something `from_pretrained` can load: a model folder, or else a hub id
    (which transformers looks up in the local cache). Path-like sources must exist."""
    path = Path(source).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelLoadError(f"{path} is not a model folder (it has no config.json)")
        return str(path)
    if path.exists():
        raise ModelLoadError(f"{path} is not a model folder")
    if source.startswith(("/", ".", "~")) or source.count("/") > 1 or "\\" in source:
        raise ModelLoadError(f"model path {path} does not exist")
    return source


def shared_model(kind: str, source: str, device: str, factory: Callable[[], T]) -> T:
    key = (kind, str(source), device)
    with _guard:
        if key in _cache:
            return _cache[key]
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        if key not in _cache:
            _cache[key] = factory()
        return _cache[key]


def set_active_source(kind: str, source: str) -> None:
    """Record the active profile's model for a component kind (used by `.load()` with no argument)."""
    _active[kind] = source


def active_source(kind: str, default: str) -> str:
    return _active.get(kind, default)


class BackendRegistry(Generic[T]):
    """The backends of one component kind by name. `register(name)` decorates a class or factory;
    `create(source, *args)` builds the backend a source names as `name:rest` with `(rest, *args)`,
    and any other source with the `default` backend (`(source, *args)`: a voice file, a model
    folder, a Windows path). `factory(name)` is for kinds chosen by name alone (the LLM's
    `backend` setting): an unknown name is a clear error naming the choices.

    `modules` ("package.*_suffix") names where the built-in backends live: on first use every
    module of that package whose name matches is imported, and each registers itself."""

    def __init__(self, kind: str, default: str | None = None, modules: str = ""):
        self.kind, self.default, self.modules = kind, default, modules
        self._factories: dict[str, Callable[..., T]] = {}
        self._discovered = not modules
        self._discovering = threading.RLock()  # (a backend may use its registry while imported)

    @property
    def factories(self) -> dict[str, Callable[..., T]]:
        """The registered backends, the built-in ones (`modules`) imported first."""
        if not self._discovered:
            import fnmatch
            import importlib
            import pkgutil

            with self._discovering:
                if not self._discovered:
                    self._discovered = True  # (set first: a backend's import may ask for the factories)
                    package, _, pattern = self.modules.rpartition(".")
                    for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
                        if fnmatch.fnmatchcase(module.name, pattern):
                            importlib.import_module(f"{package}.{module.name}")
        return self._factories

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        def add(factory: Callable[..., T]) -> Callable[..., T]:
            self._factories[name] = factory
            return factory

        return add

    def __iter__(self):
        return iter(self.factories)

    def factory(self, name: str) -> Callable[..., T]:
        """The backend registered as `name`; a clear error naming the choices otherwise."""
        if name not in self.factories:
            raise KeyError(f"unknown {self.kind} backend {name!r}; choose one of: {', '.join(self.factories)}")
        return self.factories[name]

    def create(self, source: str, *args: Any) -> T:
        name, _, rest = source.partition(":")
        if name in self.factories:
            return self.factories[name](rest, *args)
        if self.default is None:
            return self.factory(name)(rest, *args)  # (the clear error)
        return self.factories[self.default](source, *args)


class Lazy(Generic[T]):
    """A component loaded on first use, once (thread-safe): for models a session may never need,
    such as the voice models in a text-only chat. Call it, or use its attributes, to get the model."""

    def __init__(self, load: Callable[[], T]):
        self._load = load
        self._value: T | None = None
        self._lock = threading.Lock()

    def __call__(self) -> T:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._load()
        return self._value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self(), name)


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A package's module `__getattr__` (PEP 562) that imports each name of `exports` (name ->
    module) on first use, so importing the package, or a light module in it, loads nothing else."""
    from importlib import import_module

    def attribute(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(exports[name]), name)

    return attribute

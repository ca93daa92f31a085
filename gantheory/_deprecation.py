"""Old public names kept for a while after a rename: one module ``__getattr__`` that warns and forwards.

Examples
--------
>>> import warnings
>>> namespace = {"new_name": 42}
>>> getter = renamed("pkg.mod", {"old_name": "new_name"}, namespace)
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     getter("old_name"), str(caught[0].message)
(42, 'pkg.mod.old_name is deprecated; use pkg.mod.new_name')
"""

from __future__ import annotations

import warnings


def renamed(module_name: str, names: dict, namespace: dict):
    """A module-level ``__getattr__`` serving each old name in ``names`` as its new one, with a ``DeprecationWarning``.

    Parameters
    ----------
    module_name : str
        The module's dotted name, for the message.
    names : dict
        Old name -> new name.
    namespace : dict
        The module's ``globals()``, where the new names live.
    """

    def __getattr__(name):
        if name in names:
            warnings.warn(
                f"{module_name}.{name} is deprecated; use {module_name}.{names[name]}", DeprecationWarning, stacklevel=2
            )
            return namespace[names[name]]
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")

    return __getattr__

"""The driver package (`python -m platform.sweep`, ...).

This folder has the name of a standard-library module and shadows it when Python runs from the
repository root, so it first re-exports the standard `platform` module whole: code that does
`import platform; platform.system()` keeps working.  Nothing a Ray worker imports may live
here (workers always hold the standard module); worker code lives in `trainables/`.
"""

import importlib.util as _ilu
import os as _os
import sysconfig as _sysconfig

_std_path = _os.path.join(_sysconfig.get_paths()["stdlib"], "platform.py")
_spec = _ilu.spec_from_file_location("_stdlib_platform", _std_path)
_std = _ilu.module_from_spec(_spec)
_spec.loader.exec_module(_std)
globals().update({k: v for k, v in vars(_std).items() if not (k.startswith("__") and k.endswith("__"))})
__doc__ = _std.__doc__

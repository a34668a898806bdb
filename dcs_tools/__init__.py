"""Build tools of DCS Voices: what runs the notebooks, not what the notebooks use.

- ``dcs_tools.graph``: the dependency graph declared in ``pipeline.toml`` and content keys;
- ``dcs_tools.pipeline``: rerun what changed in a staging area, promote all or nothing,
  record the state and check it (``make corpus``, ``make notebooks``, ``make report``);
- ``dcs_tools.notebook_run``: execute one notebook (nbconvert), inject and check parameters;
- ``dcs_tools.project_copy``: copy the project as a clean clone has it.

The analysis code the notebooks import lives in ``helpers``.
"""

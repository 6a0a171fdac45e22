"""A real JupyterHub on this machine, set up and removed by the test (root only): tests/hub/test_jupyterhub.py."""

"""AWS: the Glue job's entry, `pii-mask deploy` and the DataBrew recipe.

Owns the Glue / spark-submit argument handling (``glue_entry``), shipping the code and defining
the Glue job and DataBrew recipe with boto3 (``deploy``) and the recipe generated from the
treatment registry (``recipe``). May import everything below it; nothing imports ``aws`` but
``cli``.
"""

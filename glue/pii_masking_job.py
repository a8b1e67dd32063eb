"""AWS Glue 5.1 entry (also `spark-submit glue/pii_masking_job.py <pii-mask run flags>`).

Thin on purpose: parse arguments, get the session, call the library, exit with its code.
Glue injects its own arguments (--JOB_NAME, --JOB_ID, --JOB_RUN_ID, --TempDir,
--job-bookmark-option, --enable-metrics, ...); they are accepted and never treated as ours.
"""

import sys

from piimask.aws.glue_entry import main

if __name__ == "__main__":
    sys.exit(main(sys.argv))

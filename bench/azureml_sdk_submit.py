"""The official SDK's submit of one job spec against the fake of tests/infra/azurite_up.sh,
as a cold process (azureml_submit.sh times it from outside): load_job + jobs.create_or_update,
through tests/azureml/sdk_harness.py (contract §7). Prints the job's name.

Usage: /usr/bin/python3 azureml_sdk_submit.py JOB_YML   (exits 77 without the SDK or services)
"""
import os
import sys

sys.dont_write_bytecode = True  # nothing written into the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests", "azureml"))
import sdk_harness as harness  # noqa: E402  (exits 77 with the reason)

print(harness.new_client().jobs.create_or_update(harness.load_job(sys.argv[1])).name)

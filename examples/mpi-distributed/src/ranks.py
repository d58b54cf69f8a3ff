"""Reports this process's MPI rank and node, from the variables Open MPI sets."""
import os
import socket

rank = os.environ.get("OMPI_COMM_WORLD_RANK", "0")
size = os.environ.get("OMPI_COMM_WORLD_SIZE", "1")
node = os.environ.get("SLURMD_NODENAME", socket.gethostname())
print(f"rank {rank} of {size} on {node}", flush=True)

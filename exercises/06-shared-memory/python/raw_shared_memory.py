"""multiprocessing.shared_memory: raw bytes with a name, and no lock at all.
Run: python3 raw_shared_memory.py"""

import multiprocessing as mp
from multiprocessing import shared_memory


# ANCHOR: raw_bytes
def fill(name, index):
    block = shared_memory.SharedMemory(name=name)  # attach by name
    block.buf[index] = index + 1  # one byte per child: no two write the same place
    block.close()


if __name__ == "__main__":
    block = shared_memory.SharedMemory(create=True, size=4)
    try:
        children = [mp.Process(target=fill, args=(block.name, i)) for i in range(4)]
        for child in children:
            child.start()
        for child in children:
            child.join()
        print("bytes after join:", list(block.buf[:4]))
    finally:
        block.close()
        block.unlink()  # the name outlives the processes until unlinked
# ANCHOR_END: raw_bytes

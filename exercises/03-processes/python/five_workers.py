"""The multiprocessing guide, workflow: five workers started in a loop, then all joined."""
import multiprocessing
import os


def worker(num):
    print(f"Worker: {num} (pid {os.getpid()})")


if __name__ == "__main__":
    jobs = []
    for i in range(5):
        p = multiprocessing.Process(target=worker, args=(i,))
        jobs.append(p)
        p.start()
    for job in jobs:
        job.join()
    print("All processes finished execution")
    print("exit codes:", [job.exitcode for job in jobs])

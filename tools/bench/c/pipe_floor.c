/* The pipe floor in C, to check that the Rust floor (`pipe/raw_64k_floor`)
 * reaches what the machine can do: fork once, the child waits at a start
 * line, then write(2)s `count` 64 KiB blocks; the parent read(2)s them into
 * one buffer. The clock runs from "go" to the last byte, as in
 * tools/bench/src/steady.rs.
 *
 *     cc -O2 -o /tmp/pipe_floor tools/bench/c/pipe_floor.c
 *     /tmp/pipe_floor 20000      # prints GiB/s
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BLOCK (64 * 1024)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    long count = argc > 1 ? atol(argv[1]) : 20000;
    static char block[BLOCK], buffer[BLOCK];
    int data[2], ready[2], go[2];
    char byte = 1;
    memset(block, 0x5a, BLOCK);
    if (pipe(data) || pipe(ready) || pipe(go)) return perror("pipe"), 1;
    pid_t pid = fork();
    if (pid < 0) return perror("fork"), 1;
    if (pid == 0) {
        close(data[0]); close(ready[0]); close(go[1]);
        if (write(ready[1], &byte, 1) != 1 || read(go[0], &byte, 1) != 1) _exit(2);
        for (long i = 0; i < count; i++) {
            for (size_t sent = 0; sent < BLOCK;) {
                ssize_t n = write(data[1], block + sent, BLOCK - sent);
                if (n <= 0) _exit(1);
                sent += (size_t)n;
            }
        }
        _exit(0);
    }
    close(data[1]); close(ready[1]); close(go[0]);
    if (read(ready[0], &byte, 1) != 1) return fprintf(stderr, "child died\n"), 1;
    double start = now();
    if (write(go[1], &byte, 1) != 1) return perror("write"), 1;
    long long total = 0;
    for (;;) {
        ssize_t n = read(data[0], buffer, BLOCK);
        if (n < 0) return perror("read"), 1;
        if (n == 0) break;
        total += n;
    }
    double elapsed = now() - start;
    int status;
    waitpid(pid, &status, 0);
    if (total != (long long)count * BLOCK || !WIFEXITED(status) || WEXITSTATUS(status))
        return fprintf(stderr, "lost bytes or a failed child\n"), 1;
    printf("%.2f GiB/s over %ld blocks of 64 KiB\n", total / elapsed / (1 << 30), count);
    return 0;
}

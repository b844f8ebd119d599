// One side of a futex wake-up between two processes, to pair with the JVM's side in
// FutexWakeCross.java: which side makes a JVM's wake-up slower than C's? Both map FILE (4 KiB: the
// futex word at 0, the waker's CLOCK_MONOTONIC stamp at 64, as FutexPeer lays it out). The waker
// first wakes 20000 times unpaced with stamp 0 (so a JVM sleeper gets compiled), then COUNT + 2
// times PAUSE_MICROS apart with stamps; the sleeper times COUNT stamped wake-ups and prints p50 and
// p90. Start the sleeper first.
//
//   gcc -O2 -o /tmp/futex-wake-cross bench/native/futex-wake-cross.c
//   /tmp/futex-wake-cross sleep FILE COUNT
//   /tmp/futex-wake-cross wake FILE COUNT PAUSE_MICROS
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int64_t now_nanos(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 4 || (strcmp(argv[1], "wake") == 0 && argc < 5)) {
    fprintf(stderr, "usage: %s sleep FILE COUNT | wake FILE COUNT PAUSE_MICROS\n", argv[0]);
    return 2;
  }
  int fd = open(argv[2], O_RDWR | O_CREAT, 0644);
  if (fd < 0 || ftruncate(fd, 4096) != 0) {
    perror(argv[2]);
    return 1;
  }
  char *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (shared == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  int *word = (int *)shared;
  int64_t *stamp = (int64_t *)(shared + 64);
  int count = atoi(argv[3]);
  if (strcmp(argv[1], "sleep") == 0) {
    int64_t *latencies = malloc(sizeof(int64_t) * count);
    int seen = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    for (int timed = 0; timed < count;) {
      syscall(SYS_futex, word, FUTEX_WAIT, seen, NULL, NULL, 0);
      int current = __atomic_load_n(word, __ATOMIC_SEQ_CST);
      if (current == seen) continue;
      seen = current;
      int64_t woke = now_nanos();
      int64_t sent = __atomic_load_n(stamp, __ATOMIC_SEQ_CST);
      if (sent > 0) latencies[timed++] = woke - sent;
    }
    qsort(latencies, count, sizeof(int64_t), by_value);
    printf("C sleeper, %d wake-ups: p50 %.1f p90 %.1f us\n", count, latencies[count / 2] / 1e3,
           latencies[count * 9 / 10] / 1e3);
  } else {
    struct timespec pause = {0, atol(argv[4]) * 1000};
    for (int i = 0; i < 20000 + count + 2; i++) {
      if (i >= 20000) nanosleep(&pause, NULL);
      __atomic_store_n(stamp, i < 20000 ? 0 : now_nanos(), __ATOMIC_SEQ_CST);
      __atomic_fetch_add(word, 1, __ATOMIC_SEQ_CST);
      syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
    }
  }
  return 0;
}

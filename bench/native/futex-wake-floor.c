// The wake-up floor of this machine without a JVM: how long a process blocked in FUTEX_WAIT takes
// to run again after another process stamps CLOCK_MONOTONIC, bumps the shared word and calls
// FUTEX_WAKE, with the waker pausing between wake-ups (as WakeUpMeasurement paces its writes).
// Also counts how often the sleeper woke on the waker's CPU and before the waker's call returned,
// which says whether the scheduler moved it to the other, idle CPU or queued it behind the waker.
//
//   gcc -O2 -o /tmp/futex-wake-floor bench/native/futex-wake-floor.c
//   /tmp/futex-wake-floor COUNT PAUSE_MICROS        (e.g. 600 5000)
#define _GNU_SOURCE
#include <linux/futex.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shared {
  _Atomic int word;       // the futex word, bumped once per wake-up
  _Atomic int asleep;     // the sleeper is about to wait again
  _Atomic int waker_cpu;  // where the waker ran its wake call
  _Atomic long stamp;     // when the waker stamped this wake-up
  _Atomic long returned;  // when the waker's wake call returned (0 until then)
  long latencies[100000];
};

static long now_nanos(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int count = argc > 1 ? atoi(argv[1]) : 600;
  int pause_micros = argc > 2 ? atoi(argv[2]) : 5000;
  if (count < 10 || count > 100000 || pause_micros < 300) {
    fprintf(stderr, "usage: %s COUNT PAUSE_MICROS  (10..100000 wake-ups, pause >= 300)\n", argv[0]);
    return 2;
  }
  struct shared *s =
      mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (s == MAP_FAILED) return perror("mmap"), 1;
  pid_t sleeper = fork();
  if (sleeper == 0) {
    int same_cpu = 0, before_return = 0;
    for (int i = 0; i < count; i++) {
      int seen = atomic_load(&s->word);
      atomic_store(&s->asleep, 1);
      while (atomic_load(&s->word) == seen) syscall(SYS_futex, &s->word, FUTEX_WAIT, seen, 0, 0, 0);
      s->latencies[i] = now_nanos() - atomic_load(&s->stamp);
      if (sched_getcpu() == atomic_load(&s->waker_cpu)) same_cpu++;
      if (atomic_load(&s->returned) == 0) before_return++;
    }
    printf("woke on the waker's CPU %d of %d times, before its wake call returned %d times\n",
           same_cpu, count, before_return);
    fflush(stdout);
    _exit(0);
  }
  for (int i = 0; i < count; i++) {
    usleep(pause_micros - 200);
    while (!atomic_load(&s->asleep)) usleep(10);
    atomic_store(&s->asleep, 0);
    usleep(200);  // the sleeper is in FUTEX_WAIT by now
    atomic_store(&s->waker_cpu, sched_getcpu());
    atomic_store(&s->returned, 0);
    atomic_store(&s->stamp, now_nanos());
    atomic_fetch_add(&s->word, 1);
    syscall(SYS_futex, &s->word, FUTEX_WAKE, 1, 0, 0, 0);
    atomic_store(&s->returned, now_nanos());
  }
  waitpid(sleeper, NULL, 0);
  qsort(s->latencies, count, sizeof(long), by_value);
  printf("futex wake-up, %d wake-ups %d us apart: p10 %.1f p50 %.1f p90 %.1f p99 %.1f us\n", count,
         pause_micros, s->latencies[count / 10] / 1e3, s->latencies[count / 2] / 1e3,
         s->latencies[count * 9 / 10] / 1e3, s->latencies[count * 99 / 100] / 1e3);
  return 0;
}

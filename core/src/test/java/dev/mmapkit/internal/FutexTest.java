package dev.mmapkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FutexTest {
  @Test
  void waitsUntilWokenTimesOutOrSeesAChangedValue() throws Exception {
    assumeTrue(NativeAccess.get().isPresent());
    NativeAccess access = NativeAccess.get().orElseThrow();
    try (Arena arena = Arena.ofShared()) {
      MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
      assertEquals(NativeAccess.FUTEX_VALUE_CHANGED, access.futexWait(word, 1, -1));
      assertEquals(NativeAccess.FUTEX_TIMED_OUT, access.futexWait(word, 0, 1_000_000));

      var waiter = CompletableFuture.supplyAsync(() -> access.futexWait(word, 0, 10_000_000_000L));
      int woken = 0;
      for (int i = 0; i < 1000 && woken == 0; i++) {
        Thread.sleep(5);
        woken = access.futexWake(word, 1);
      }
      assertEquals(1, woken);
      assertEquals(NativeAccess.FUTEX_WOKEN, waiter.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void theFirstCallStartsAWarmUpThatEndsAndWakesNobody() throws Exception {
    assumeTrue(NativeAccess.get().isPresent());
    NativeAccess access = NativeAccess.get().orElseThrow();
    try (Arena arena = Arena.ofShared()) {
      MemorySegment word = arena.allocate(ValueLayout.JAVA_INT);
      var waiter = CompletableFuture.supplyAsync(() -> access.futexWait(word, 0, 2_000_000_000L));
      access.futexWake(arena.allocate(ValueLayout.JAVA_INT), 1); // another word
      // The waiter's call may be the first: it starts the thread, and publishes it just after.
      Thread warmUp = FutexWarmUp.thread();
      for (int i = 0; i < 500 && warmUp == null; i++) {
        Thread.sleep(10);
        warmUp = FutexWarmUp.thread();
      }
      assertNotNull(warmUp, "no warm-up thread after a futex call");
      assertEquals("mmapkit-futex-warm-up", warmUp.getName());
      warmUp.join(30_000);
      assertFalse(warmUp.isAlive(), "the warm-up did not end within 30 s");
      // Its wake-ups went to a word of its own: this waiter sleeps until its timeout.
      assertEquals(NativeAccess.FUTEX_TIMED_OUT, waiter.get(10, TimeUnit.SECONDS));
    }
  }
}

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The JVM's side of futex-wake-cross.c, with the same arguments and the same protocol: a bare
 * futex wait or wake through FFM, no mmapkit. Pairing each side with C's says which side makes a
 * JVM's wake-up slower than C's.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED bench/native/FutexWakeCross.java sleep FILE COUNT
 *   java --enable-native-access=ALL-UNNAMED bench/native/FutexWakeCross.java wake FILE COUNT PAUSE_MICROS
 * </pre>
 */
public class FutexWakeCross {
  private static final long SYS_FUTEX = 202; // x86-64
  private static final int FUTEX_WAIT = 0, FUTEX_WAKE = 1;
  private static final MethodHandle SYSCALL =
      Linker.nativeLinker()
          .downcallHandle(
              Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow(),
              FunctionDescriptor.of(
                  ValueLayout.JAVA_LONG,
                  ValueLayout.JAVA_LONG,
                  ValueLayout.ADDRESS,
                  ValueLayout.JAVA_INT,
                  ValueLayout.JAVA_INT,
                  ValueLayout.ADDRESS),
              Linker.Option.firstVariadicArg(1));
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

  public static void main(String[] args) throws Throwable {
    MemorySegment shared;
    try (FileChannel channel =
        FileChannel.open(
            Path.of(args[1]),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      shared = channel.map(FileChannel.MapMode.READ_WRITE, 0, 4096, Arena.global());
    }
    MemorySegment word = shared.asSlice(0, 4);
    int count = Integer.parseInt(args[2]);
    if (args[0].equals("sleep")) {
      long[] latencies = new long[count];
      int seen = (int) INT.getVolatile(shared, 0L);
      for (int timed = 0; timed < count; ) {
        long unused = (long) SYSCALL.invokeExact(SYS_FUTEX, word, FUTEX_WAIT, seen, MemorySegment.NULL);
        int current = (int) INT.getVolatile(shared, 0L);
        if (current == seen) continue;
        seen = current;
        long woke = System.nanoTime();
        long sent = (long) LONG.getVolatile(shared, 64L);
        if (sent > 0) latencies[timed++] = woke - sent;
      }
      Arrays.sort(latencies);
      System.out.printf(
          "JVM sleeper, %d wake-ups: p50 %.1f p90 %.1f us%n",
          count, latencies[count / 2] / 1e3, latencies[count * 9 / 10] / 1e3);
    } else {
      long pauseNanos = Long.parseLong(args[3]) * 1000;
      for (int i = 0; i < 20_000 + count + 2; i++) {
        if (i >= 20_000) LockSupport.parkNanos(pauseNanos);
        LONG.setVolatile(shared, 64L, i < 20_000 ? 0L : System.nanoTime());
        INT.getAndAdd(shared, 0L, 1);
        long unused = (long) SYSCALL.invokeExact(SYS_FUTEX, word, FUTEX_WAKE, 1, MemorySegment.NULL);
      }
    }
  }
}

package dev.mmapkit.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cross-process tests' children end with the test: {@link ChildJvm#killRunning} in a tear-down,
 * and the exit of the JVM that started them (a failed test's producers once spun for a quarter of
 * an hour after their test had ended); and what {@link ChildJvm} copied for them goes with it.
 */
@Timeout(60)
class ChildJvmCleanupTest {
  /** Prints the class path a child as {@code nobody} would get, then exits. */
  public static final class NobodyClassPathMain {
    public static void main(String[] args) throws Exception {
      List<String> command = ChildJvm.commandAsNobody(SleepMain.class);
      System.out.println(command.get(command.indexOf("-cp") + 1));
      System.out.println(ChildJvm.commandAsNobody(SleepMain.class).equals(command));
    }
  }

  @Test
  void theJarsCopiedForNobodyAreCopiedOnceAndDeletedWhenTheJvmExits() throws Exception {
    ChildJvm.Result result = ChildJvm.run(NobodyClassPathMain.class, ChildJvm.DEFAULT_OPTIONS, 30);
    assertEquals(0, result.exitCode(), result.toString());
    String[] lines = result.stdout().strip().split("\n");
    assertEquals("true", lines[1], "the second command reuses the first one's copies");
    List<Path> copies =
        Arrays.stream(lines[0].split(File.pathSeparator))
            .filter(entry -> entry.contains("mmapkit-nobody-"))
            .map(Path::of)
            .toList();
    assertFalse(copies.isEmpty(), lines[0]);
    for (Path copy : copies) {
      assertFalse(Files.exists(copy.getParent()), copy + " was deleted at exit");
    }
  }

  /**
   * Sleeps for good; or, with {@code parent}, starts a sleeping child, prints its pid and exits.
   */
  public static final class SleepMain {
    public static void main(String[] args) throws Exception {
      if (args.length > 0 && args[0].equals("parent")) {
        System.out.println(ChildJvm.start(SleepMain.class).pid());
        System.out.flush();
        System.exit(0);
      }
      System.out.println("sleeping");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  void killRunningEndsEveryChildStillRunning() throws Exception {
    Process first = ChildJvm.start(SleepMain.class);
    Process second = ChildJvm.start(SleepMain.class);
    assertEquals("sleeping", firstLine(first));
    assertEquals("sleeping", firstLine(second));
    ChildJvm.killRunning();
    assertFalse(first.isAlive());
    assertFalse(second.isAlive());
  }

  @Test
  void childrenStillRunningAreKilledWhenTheirJvmExits() throws Exception {
    Process parent = ChildJvm.start(SleepMain.class, "parent");
    long grandchild = Long.parseLong(firstLine(parent));
    assertTrue(parent.waitFor(30, TimeUnit.SECONDS), "the parent did not exit");
    Optional<ProcessHandle> handle = ProcessHandle.of(grandchild);
    try {
      if (handle.isPresent()) handle.get().onExit().get(30, TimeUnit.SECONDS);
    } finally {
      handle.ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static String firstLine(Process process) throws Exception {
    return new BufferedReader(new InputStreamReader(process.getInputStream())).readLine();
  }
}

package dev.mmapkit.bench.ipc;

import dev.mmapkit.bench.BenchFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The other process of a benchmark: {@link PeerMain} in a JVM on this JVM's class path. */
final class Peer implements AutoCloseable {
  private final Process process;
  private final Path directory;
  private final BufferedReader out;

  /** Starts the peer and waits until it says it is ready. */
  Peer(Path directory, String... args) throws IOException {
    this.directory = directory;
    List<String> command = javaCommand(PeerMain.class);
    command.addAll(List.of(args));
    process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    // A JVM agent (a profiler, say) may print before the peer does.
    String line;
    do {
      line = out.readLine();
    } while (line != null && !line.equals("ready"));
    if (!"ready".equals(line)) {
      process.destroyForcibly();
      throw new IOException("peer did not start: " + line);
    }
  }

  /**
   * The command line of a JVM like this one, on its class path, that runs {@code main}: with
   * Agrona's flags, and IpcPaired's peer idling passed on.
   */
  static List<String> javaCommand(Class<?> main) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Passed on from this JVM: IpcPaired's peers park when their link is paused (see PeerIdle).
    String idle = System.getProperty(PeerIdle.PROPERTY);
    if (idle != null) command.add("-D" + PeerIdle.PROPERTY + "=" + idle);
    command.add("--enable-native-access=ALL-UNNAMED");
    // Agrona reaches into jdk.internal.misc; mmapkit does not need this.
    command.add("--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED");
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    return command;
  }

  /** The next line the peer printed after "ready", or null at its end. */
  String readLine() throws IOException {
    return out.readLine();
  }

  /** A new directory in /dev/shm for one link's files. */
  static Path newDirectory() throws IOException {
    return Files.createTempDirectory(Path.of("/dev/shm"), "mmapkit-bench-ipc-");
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    process.waitFor();
    BenchFiles.deleteTree(directory);
  }
}

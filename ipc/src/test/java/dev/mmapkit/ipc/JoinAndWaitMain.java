package dev.mmapkit.ipc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child JVM for {@link PidNamespacesTest}: opens a receiver of the broadcast file {@code args[0]},
 * prints {@code joined SLOT}, and leaves when a line arrives on stdin.
 */
public final class JoinAndWaitMain {
  private JoinAndWaitMain() {}

  public static void main(String[] args) throws Exception {
    try (BroadcastReceiver receiver = Broadcast.openReceiver(Path.of(args[0]))) {
      System.out.println("joined " + receiver.slot());
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
  }
}

package dev.mmapkit.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.mmapkit.ipc.Broadcast;
import dev.mmapkit.ipc.BroadcastDescriptor;
import dev.mmapkit.ipc.BroadcastReceiver;
import dev.mmapkit.ipc.BroadcastTransmitter;
import dev.mmapkit.ipc.RingBuffer;
import dev.mmapkit.ipc.RingBuffers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mmapkit ipc stat} on a ring this test writes to and reads from. */
class IpcStatCommandTest {
  @TempDir Path dir;

  @Test
  void reportsPositionsCountersAndHeartbeat() throws Exception {
    Path path = dir.resolve("ring");
    try (RingBuffer ring = RingBuffers.createManyToOne(path, 4096)) {
      for (int i = 0; i < 3; i++) assertTrue(ring.write(1, new byte[24]));
      assertEquals(2, ring.read((t, b, o, l) -> {}, 2));
      while (ring.write(1, new byte[24])) {}

      Map<String, Object> json = CliRun.of("ipc", "stat", path.toString(), "--json").json();
      assertEquals("many-to-one", json.get("type"));
      assertEquals(4096.0, json.get("capacity"));
      assertEquals(64.0, json.get("consumerPosition"));
      // Full: producers leave a line (128 bytes) unclaimed behind the head.
      assertEquals(4096.0 + 64 - 128, json.get("producerPosition"));
      assertEquals(4096.0 - 128, json.get("backlog"));
      assertEquals(2.0, json.get("recordsRead"));
      assertEquals(3.0 + 123, json.get("recordsWritten")); // 3, then 3936 free bytes / 32
      assertEquals(124.0, json.get("recordBacklog"));
      assertEquals(1.0, json.get("backPressureEvents"));
      assertEquals(0.0, json.get("waiters"));
      assertEquals(1.0, json.get("producers"));
      assertEquals((double) ProcessHandle.current().pid(), json.get("consumerPid"));
      assertTrue((Double) json.get("heartbeatAgeMillis") < 60_000);
      assertEquals(1.0, json.get("pidNamespaces"), "one process, one PID namespace");

      CliRun table = CliRun.of("ipc", "stat", path.toString());
      assertEquals(0, table.exitCode(), table.err());
      assertTrue(table.out().contains("back-pressure events"), table.out());
      assertTrue(table.out().contains("4.0 KiB"), table.out());
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void reportsABroadcastsTransmitterCountersAndReceivers() throws Exception {
    Path path = dir.resolve("prices");
    try (BroadcastTransmitter tx = Broadcast.createReliableTransmitter(path, 4096);
        BroadcastReceiver rx = Broadcast.openReceiver(path)) {
      for (int i = 0; i < 5; i++) assertTrue(tx.transmit(1, new byte[24]));
      assertTrue(rx.receiveNext());
      Map<String, Object> json = CliRun.of("ipc", "stat", path.toString(), "--json").json();
      assertEquals("broadcast-reliable", json.get("type"));
      assertEquals(4096.0, json.get("capacity"));
      assertEquals(160.0, json.get("transmitterPosition"));
      assertEquals(5.0, json.get("recordsWritten"));
      assertEquals((double) ProcessHandle.current().pid(), json.get("transmitterPid"));
      assertEquals(true, json.get("transmitterAlive"));
      assertEquals(1.0, json.get("pidNamespaces"));
      List<Map<String, Object>> receivers = (List<Map<String, Object>>) json.get("receivers");
      assertEquals(1, receivers.size());
      assertEquals(32.0, receivers.get(0).get("position"));
      assertEquals(128.0, receivers.get(0).get("lag"));
      assertEquals(0.0, receivers.get(0).get("lappedCount"));
      assertEquals(false, receivers.get(0).get("waiting"));

      CliRun table = CliRun.of("ipc", "stat", path.toString());
      assertEquals(0, table.exitCode(), table.err());
      assertTrue(table.out().contains("reliable"), table.out());
      assertTrue(table.out().contains("lapped"), table.out());
    }
  }

  @Test
  void aCorruptBroadcastFileIsReportedWithItsPathAndTheProblem() throws Exception {
    Path path = dir.resolve("corrupt");
    Broadcast.createTransmitter(path, 4096).close();
    // Tail and tail intent a whole ring past latest: no receiver could resume anywhere.
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
      ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 20);
      channel.write(tail.duplicate(), BroadcastDescriptor.TAIL_INTENT_OFFSET);
      channel.write(tail.duplicate(), BroadcastDescriptor.TAIL_OFFSET);
    }
    for (boolean json : new boolean[] {false, true}) {
      CliRun run =
          json
              ? CliRun.of("ipc", "stat", path.toString(), "--json")
              : CliRun.of("ipc", "stat", path.toString());
      assertEquals(1, run.exitCode(), run.out());
      assertTrue(run.err().startsWith("mmapkit: " + path), run.err());
      assertTrue(run.err().contains("corrupted counters: latest 0, tail 1048576"), run.err());
    }
  }

  @Test
  void aMissingFileADirectoryOrATruncatedRingIsOneLineNamingIt() throws Exception {
    Path ring = dir.resolve("ring");
    RingBuffers.createOneToOne(ring, 4096).close();
    try (FileChannel channel = FileChannel.open(ring, StandardOpenOption.WRITE)) {
      channel.truncate(Files.size(ring) - 4096);
    }
    Path missing = dir.resolve("missing");
    Map<Path, String> problems =
        Map.of(
            missing, "no such file",
            dir, "is a directory, not a ring",
            ring, "truncated: file is ");
    problems.forEach(
        (path, problem) -> {
          CliRun run = CliRun.of("ipc", "stat", path.toString());
          assertEquals(1, run.exitCode(), run.err());
          assertEquals(1, run.err().lines().count(), run.err());
          assertTrue(run.err().startsWith("mmapkit: " + path + ": " + problem), run.err());
          assertEquals("", run.out());
        });
  }

  @Test
  void aFileThatIsNotARingIsAClearError() throws Exception {
    Path path = Files.write(dir.resolve("junk"), new byte[10_000]);
    CliRun run = CliRun.of("ipc", "stat", path.toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("not an mmapkit file"), run.err());
  }
}

package dev.mmapkit.bench.cache;

import dev.mmapkit.bench.BenchFiles;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/**
 * A real {@code redis-server} (the one on PATH; {@code bench/run} installs Debian's package when it
 * is missing) started as a child process on 127.0.0.1 and a free port, in a fresh temporary
 * directory, with persistence off ({@code --save '' --appendonly no}). {@link #close} stops it and
 * deletes the directory; a shutdown hook stops it too if the JVM exits first.
 */
final class RedisServer implements AutoCloseable {
  static final String EXECUTABLE = "redis-server";
  private static final String HOST = "127.0.0.1";
  private static final long START_MILLIS = 20_000;

  private final Process process;
  private final Path dir;
  private final int port;
  private final Thread hook;

  private RedisServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.hook = new Thread(process::destroyForcibly, "redis-server-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The {@code redis-server} executable on PATH, if there is one. */
  static Optional<Path> find() {
    String path = System.getenv("PATH");
    if (path == null) return Optional.empty();
    for (String entry : path.split(File.pathSeparator)) {
      if (entry.isEmpty()) continue;
      Path candidate = Path.of(entry, EXECUTABLE);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** What {@code redis-server --version} prints, e.g. {@code Redis server v=7.0.15 ...}. */
  static String version(Path executable) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  /** Starts a server and returns once it answers PING; stops it again if it does not. */
  static RedisServer start() throws Exception {
    Path executable =
        find().orElseThrow(() -> new IllegalStateException(EXECUTABLE + " is not on PATH"));
    Path dir = Files.createTempDirectory("mmapkit-bench-redis-");
    int port = freePort();
    Process process =
        new ProcessBuilder(
                List.of(
                    executable.toString(),
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    HOST,
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    dir.toString()))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    RedisServer server = new RedisServer(process, dir, port);
    try {
      server.awaitPing();
      return server;
    } catch (Exception | Error e) {
      String log = server.log();
      server.close();
      throw new IllegalStateException(EXECUTABLE + " did not answer PING; its log:\n" + log, e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  private void awaitPing() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(EXECUTABLE + " exited with " + process.exitValue());
      }
      try (Jedis jedis = connect()) {
        if ("PONG".equals(jedis.ping())) return;
      } catch (RuntimeException e) {
        last = e; // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no PONG within " + START_MILLIS + " ms", last);
  }

  /** A new client connection to this server. */
  Jedis connect() {
    JedisClientConfig config = DefaultJedisClientConfig.builder().timeoutMillis(30_000).build();
    return new Jedis(new HostAndPort(HOST, port), config);
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("redis.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and deletes its directory. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook runs anyway and the process is gone
      }
      BenchFiles.deleteTree(dir);
    }
  }
}

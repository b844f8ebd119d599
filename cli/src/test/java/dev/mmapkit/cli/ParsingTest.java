package dev.mmapkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mmapkit.internal.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small parsers and writers: /proc/self/stat, smaps, JSON. */
class ParsingTest {

  @Test
  void pageFaultsAreFieldsTenAndTwelveCountedAfterTheCommandName() {
    String stat =
        "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 1234 0 56 0 10 5 0 0 20 0 30 0 100 1000 200";
    assertEquals(new PageFaults(1234, 56), PageFaults.parse(stat));
  }

  @Test
  void hugePagesAreReadFromTheMappingThatContainsTheAddress() {
    List<String> smaps =
        List.of(
            "7f0000000000-7f0000200000 r--s 00000000 fd:01 12 /data/a.bin",
            "Size:               2048 kB",
            "AnonHugePages:         0 kB",
            "FilePmdMapped:      2048 kB",
            "7f0000200000-7f0000400000 r--s 00000000 fd:01 13 /data/b.bin",
            "Size:               2048 kB",
            "AnonHugePages:         0 kB",
            "FilePmdMapped:         0 kB");
    assertEquals("2 MiB", Environment.hugePages(smaps, 0x7f0000001000L));
    assertEquals("4 KiB", Environment.hugePages(smaps, 0x7f0000200000L));
    assertEquals("unknown", Environment.hugePages(smaps, 0x1000L));
  }

  @Test
  void jsonEscapesStringsAndRoundsDoubles() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("s", "a\"b\\c\nd\u0001");
    o.put("n", 42L);
    o.put("d", 1.23456);
    o.put("whole", 100.0);
    o.put("nan", Double.NaN);
    o.put("list", List.of(true, "x"));
    o.put("none", null);
    String json = Json.write(o, Main.JSON_DECIMALS);
    assertEquals(
        "{\"s\":\"a\\\"b\\\\c\\nd\\u0001\",\"n\":42,\"d\":1.235,\"whole\":100,\"nan\":null,"
            + "\"list\":[true,\"x\"],\"none\":null}",
        json);
    assertEquals("a\"b\\c\nd\u0001", JsonParser.object(json).get("s"));
  }

  @Test
  void recommendationIsTheFastestAndTheSpeedupIsOverTheNextBest() {
    Recommendation r =
        Recommendation.from(
            List.of(
                new Measurement("a", 300, null),
                new Measurement("b", 100, null),
                new Measurement("c", 150, null)));
    assertEquals(new Recommendation("b", 1.5, "c"), r);
  }

  @Test
  void medianIsTheMiddleRun() {
    Measurement median =
        Benchmark.median(
            List.of(
                new Measurement("a", 900, new PageFaults(9, 0)),
                new Measurement("a", 100, new PageFaults(1, 0)),
                new Measurement("a", 500, new PageFaults(5, 0))));
    assertEquals(500, median.nanos());
    assertEquals(new PageFaults(5, 0), median.faults());
  }
}

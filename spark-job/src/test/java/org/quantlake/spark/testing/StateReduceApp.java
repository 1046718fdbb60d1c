package org.quantlake.spark.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.quantlake.spark.QuantlakeKryoRegistrator;

/**
 * {@link StateReduceJob} as a spark-submit application, for the cluster tests. It ships in the test jar and
 * needs the shaded jar beside it (quant-core), so it must not use picocli or JUnit: the shaded jar carries
 * picocli relocated, and a cluster has no JUnit.
 *
 * <p>Arguments: {@code OUT ROWS PARTITIONS PAUSE_MS [MARKER_DIR]}. Writes the state in hex to {@code OUT},
 * atomically, so a reader never sees half a result. The master comes from spark-submit, never from here.
 */
public final class StateReduceApp {
    private StateReduceApp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4 || args.length > 5) {
            System.err.println("usage: StateReduceApp OUT ROWS PARTITIONS PAUSE_MS [MARKER_DIR]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        long rows = Long.parseLong(args[1]);
        int partitions = Integer.parseInt(args[2]);
        TaskProbe probe = new TaskProbe(Long.parseLong(args[3]), args.length == 5 ? args[4] : null);

        SparkConf conf = QuantlakeKryoRegistrator.configure(new SparkConf()).setAppName("quantlake-state-reduce");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            byte[] state = StateReduceJob.reduce(StateReduceJob.samples(spark, rows, partitions), probe);
            Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
            Files.writeString(tmp, HexFormat.of().formatHex(state) + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            spark.stop();
        }
    }

    /** Reads a result file written by {@link #main}. */
    public static byte[] readResult(Path out) throws java.io.IOException {
        return HexFormat.of().parseHex(Files.readString(out, StandardCharsets.US_ASCII).strip());
    }
}

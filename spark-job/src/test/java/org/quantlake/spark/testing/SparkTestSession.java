package org.quantlake.spark.testing;

import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.quantlake.spark.QuantlakeKryoRegistrator;

/**
 * The one local Spark session of a test JVM, created on first use and shared by every test class.
 *
 * <p>A local session costs 6-14 s to start on the CI machine, so tests never stop it: Spark's own shutdown hook
 * stops it when the JVM exits. It runs with the production serializer settings
 * ({@link QuantlakeKryoRegistrator#configure}, registrationRequired included), so a class a job forgets to
 * register fails here first. Everything it writes stays under {@code java.io.tmpdir}, which the build points
 * into {@code target/}.
 */
public final class SparkTestSession {
    /** Two task slots: enough to run tasks concurrently, not more than CI's two cores. */
    public static final String MASTER = "local[2]";

    private static SparkSession session;

    private SparkTestSession() {
    }

    /** The shared session, started on first call. */
    public static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder().config(conf()).getOrCreate();
        }
        return session;
    }

    static SparkConf conf() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        return QuantlakeKryoRegistrator.configure(new SparkConf())
                .setMaster(MASTER)
                .setAppName("quantlake-tests")
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                // Test data is tiny: the default 200 shuffle partitions would be 200 near-empty tasks per shuffle.
                .set("spark.sql.shuffle.partitions", "4")
                .set("spark.default.parallelism", "4")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                // Scratch space (spark.local.dir) defaults to java.io.tmpdir already; setting it only adds a warning.
                .set("spark.sql.warehouse.dir", tmp.resolve("spark-warehouse").toUri().toString());
    }
}

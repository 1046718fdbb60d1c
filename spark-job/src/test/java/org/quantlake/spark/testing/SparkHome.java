package org.quantlake.spark.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A SPARK_HOME without a Spark distribution: a {@code jars/} folder of links to the jars of Spark's runtime
 * classpath, as the build resolved it (spark-job's provided scope). The daemons run from it, and a Worker
 * builds its executors' classpath from it, exactly as from a distribution.
 */
final class SparkHome {
    private SparkHome() {
    }

    /** Creates {@code home/jars} with one link per jar of the ':'-separated classpath in {@code classpathFile}. */
    static Path create(Path home, Path classpathFile) throws IOException {
        String cp = Files.readString(classpathFile, StandardCharsets.UTF_8).strip();
        if (cp.isEmpty()) {
            throw new IllegalStateException("empty Spark classpath file " + classpathFile);
        }
        Path jars = Files.createDirectories(home.resolve("jars"));
        Set<String> names = new HashSet<>();
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("Spark classpath jar missing: " + jar + " (re-run the Maven build)");
            }
            // Two artifacts may share a file name; a clash would silently drop one of them.
            String name = jar.getFileName().toString();
            if (!names.add(name)) {
                name = names.size() + "-" + name;
                names.add(name);
            }
            Files.createSymbolicLink(jars.resolve(name), jar.toAbsolutePath());
        }
        return home;
    }
}

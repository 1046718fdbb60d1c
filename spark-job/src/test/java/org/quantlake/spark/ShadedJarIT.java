package org.quantlake.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.quantlake.spark.cli.QuantlakeVersion;

/** What ships: the shaded jar's contents, its relocations and its entry point. */
class ShadedJarIT {
    private static final Path JAR = Path.of(System.getProperty("ql.shaded.jar"));

    @Test
    void holdsOurCodeAndRelocatedDependenciesButNoSparkScalaOrHadoop() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> names = jar.stream().map(e -> e.getName()).toList();
            for (String expected : List.of(
                    "org/quantlake/spark/cli/QuantlakeMain.class",
                    "org/quantlake/spark/QuantlakeKryoRegistrator.class",
                    "org/quantlake/core/observe/Observer.class",
                    "org/quantlake/core/onnx/proto/Onnx$ModelProto.class",
                    "org/quantlake/shaded/protobuf/Message.class",
                    "org/quantlake/shaded/picocli/CommandLine.class",
                    "org/quantlake/shaded/typesafe/config/Config.class",
                    "reference.conf")) {
                assertTrue(names.contains(expected), "missing " + expected);
            }
            for (String forbidden : List.of("com/google/protobuf/", "picocli/", "com/typesafe/", "org/apache/spark/",
                    "scala/", "org/apache/hadoop/", "org/junit/", "org/quantlake/spark/testing/")) {
                List<String> found = names.stream().filter(n -> n.startsWith(forbidden)).limit(3).toList();
                assertEquals(List.of(), found, "must not ship " + forbidden);
            }
            assertEquals("org.quantlake.spark.cli.QuantlakeMain",
                    jar.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }

    /** Loads ONNX protobuf classes from the jar alone: their references must point at the relocated runtime. */
    @Test
    void onnxProtobufClassesRunOnTheRelocatedRuntime() throws Exception {
        URL[] urls = {JAR.toUri().toURL()};
        try (URLClassLoader isolated = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            Class<?> model = isolated.loadClass("org.quantlake.core.onnx.proto.Onnx$ModelProto");
            Object builder = model.getMethod("newBuilder").invoke(null);
            builder.getClass().getMethod("setIrVersion", long.class).invoke(builder, 9L);
            builder.getClass().getMethod("setProducerName", String.class).invoke(builder, "quantlake");
            Object built = builder.getClass().getMethod("build").invoke(builder);
            byte[] bytes = (byte[]) model.getMethod("toByteArray").invoke(built);

            Method parse = model.getMethod("parseFrom", byte[].class);
            Object back = parse.invoke(null, (Object) bytes);
            assertEquals(9L, model.getMethod("getIrVersion").invoke(back));
            assertEquals("quantlake", model.getMethod("getProducerName").invoke(back));
            assertArrayEquals(bytes, (byte[]) model.getMethod("toByteArray").invoke(back));
            assertEquals("org.quantlake.shaded.protobuf", model.getSuperclass().getPackageName());
        }
    }

    @Test
    void runsAsAnExecutableJarWithoutSpark() throws Exception {
        Result version = javaJar("--version");
        assertEquals(0, version.exit, version.output);
        assertTrue(version.output.startsWith("quantlake " + QuantlakeVersion.version() + "\n"), version.output);

        Result bare = javaJar();
        assertEquals(2, bare.exit, bare.output);
        assertTrue(bare.output.contains("Usage: quantlake"), bare.output);

        // Only cli.Launch touches Spark: every command's help, and option errors, work without it.
        for (String command : List.of("calibrate", "convert", "score", "pipeline")) {
            Result help = javaJar(command, "--help");
            assertEquals(0, help.exit, help.output);
            assertTrue(help.output.contains("Usage: quantlake " + command) && help.output.contains("--config=FILE"), help.output);
        }
        Result typo = javaJar("calibrate", "--set", "calibration.metod=kl");
        assertEquals(2, typo.exit, typo.output);
        assertTrue(typo.output.contains("did you mean 'calibration.method'?"), "reference.conf is in the jar: " + typo.output);
    }

    private record Result(int exit, String output) {
    }

    private static Result javaJar(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("java -jar " + String.join(" ", args) + " did not exit within 60 s");
            }
            return new Result(p.exitValue(), out);
        } finally {
            p.destroyForcibly();
        }
    }
}

package org.quantlake.spark.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Small files read and written by the driver (models, class lists, artifacts) through Hadoop's FileSystem, so any
 * path Spark can read works (local, hdfs://, s3a://, ...).
 *
 * <p>Writes are atomic: the bytes go to a temporary sibling first, which then replaces the target. On a local
 * filesystem that is an atomic rename (readers see the old file or the new one, never half of one); elsewhere it
 * is the filesystem's rename, atomic on HDFS, a copy on object stores.
 */
public final class HadoopFiles {
    private HadoopFiles() {
    }

    /** The whole file, or an IOException naming it. */
    public static byte[] read(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) throw new java.io.FileNotFoundException(path + ": no such file");
        long size = fs.getFileStatus(p).getLen();
        if (size > Integer.MAX_VALUE - 8) throw new IOException(path + ": " + size + " bytes is too large to read into memory");
        try (InputStream in = fs.open(p)) {
            return in.readAllBytes();
        }
    }

    /** The file's lines (UTF-8). */
    public static List<String> lines(String path, Configuration conf) throws IOException {
        return new String(read(path, conf), StandardCharsets.UTF_8).lines().toList();
    }

    /** Writes {@code bytes} to {@code path} atomically (see the class comment), creating parent folders. */
    public static void writeAtomically(String path, byte[] bytes, Configuration conf) {
        try {
            Path target = new Path(path);
            FileSystem fs = target.getFileSystem(conf);
            if (fs instanceof LocalFileSystem local) {
                java.nio.file.Path file = local.pathToFile(target).toPath();
                Files.createDirectories(file.getParent());
                java.nio.file.Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
                try {
                    Files.write(tmp, bytes);
                    try {
                        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                    }
                } finally {
                    Files.deleteIfExists(tmp);
                }
                return;
            }
            Path tmp = new Path(target.getParent(), "." + target.getName() + "." + java.util.UUID.randomUUID() + ".tmp");
            fs.mkdirs(target.getParent());
            try (OutputStream out = fs.create(tmp, true)) {
                out.write(bytes);
            }
            if (fs.exists(target) && !fs.delete(target, false)) throw new IOException("cannot replace " + target);
            if (!fs.rename(tmp, target)) throw new IOException("cannot rename " + tmp + " to " + target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /** Deletes {@code path} (recursively) if it exists. */
    public static void deleteIfExists(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            if (fs.exists(p)) fs.delete(p, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path + ": " + e.getMessage(), e);
        }
    }

    public static boolean exists(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            return p.getFileSystem(conf).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code path} made absolute and qualified with its filesystem's scheme (as Spark reports file paths). */
    public static String qualified(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            return p.getFileSystem(conf).makeQualified(p).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code child} under {@code parent}. */
    public static String resolve(String parent, String child) {
        return new Path(parent, child).toString();
    }
}

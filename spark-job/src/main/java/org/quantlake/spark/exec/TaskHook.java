package org.quantlake.spark.exec;

import java.io.Serializable;
import org.apache.spark.SparkConf;

/**
 * Instrumentation run at the start of every task of the jobs' compute stages. Production runs have none. Tests set
 * {@value #CONF_KEY} to a class (shipped with {@code --jars}) to slow tasks down or record which executor ran them,
 * e.g. to kill an executor in the middle of calibration.
 *
 * <p>The class needs a public constructor taking the {@link SparkConf}; it is built on the driver and serialized
 * into the task closures.
 */
public interface TaskHook extends Serializable {
    /** The Spark setting naming the hook class. */
    String CONF_KEY = "spark.quantlake.taskHook";

    /** Does nothing. */
    TaskHook NONE = new None();

    /** Called first in every task; {@code stage} names the job stage (e.g. "calibrate pass 1"). */
    void onTaskStart(String stage) throws Exception;

    /** The hook named in {@code conf}, or {@link #NONE}. */
    static TaskHook fromConf(SparkConf conf) {
        String name = conf.get(CONF_KEY, "");
        if (name.isBlank()) return NONE;
        try {
            Class<?> c = Class.forName(name.trim(), true, Thread.currentThread().getContextClassLoader());
            return (TaskHook) c.getConstructor(SparkConf.class).newInstance(conf);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException(CONF_KEY + "=" + name + ": cannot create the task hook: " + e, e);
        }
    }

    /** The no-op hook (a class, so it serializes). */
    final class None implements TaskHook {
        @Override
        public void onTaskStart(String stage) {
        }
    }
}

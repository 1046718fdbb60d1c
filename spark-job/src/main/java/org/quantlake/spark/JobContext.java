package org.quantlake.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.quantlake.spark.exec.TaskHook;
import org.quantlake.spark.progress.JobLog;

/** What every job runs with: the session, where progress lines go, and the task hook (tests only). */
public record JobContext(SparkSession spark, JobLog log, TaskHook hook) {

    /** A context for {@code spark} with stderr progress lines and the hook its conf names (usually none). */
    public static JobContext of(SparkSession spark) {
        return new JobContext(spark, JobLog.stderr(), TaskHook.fromConf(spark.sparkContext().getConf()));
    }

    public Configuration hadoop() {
        return spark.sparkContext().hadoopConfiguration();
    }
}

package org.quantlake.spark.testing;

import org.apache.spark.SparkConf;
import org.quantlake.spark.exec.TaskHook;

/**
 * A {@link TaskHook} for cluster tests, named with {@code --conf spark.quantlake.taskHook=...} and shipped in the
 * tests jar: in the stages whose name starts with {@code spark.quantlake.test.stage}, runs a {@link TaskProbe}
 * (marker file per task start, then a pause) configured by {@code spark.quantlake.test.pauseMs} and
 * {@code spark.quantlake.test.markerDir}.
 */
public final class ProbeHook implements TaskHook {
    private final String stagePrefix;
    private final TaskProbe probe;

    public ProbeHook(SparkConf conf) {
        this.stagePrefix = conf.get("spark.quantlake.test.stage", "");
        this.probe = new TaskProbe(conf.getLong("spark.quantlake.test.pauseMs", 0),
                conf.get("spark.quantlake.test.markerDir", null));
    }

    @Override
    public void onTaskStart(String stage) throws Exception {
        if (stage.startsWith(stagePrefix)) probe.onTaskStart();
    }
}

package main

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/weir-stream/weir/state/checkpoint"
)

// newCheckpointsCmd lists the checkpoints in a state directory.
func newCheckpointsCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "checkpoints STATE_DIR",
		Short: "List the checkpoints in a state directory (weir run --state-dir), newest first, with their status",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			st, err := os.Stat(dir)
			if err != nil {
				return usageErr(err)
			}
			if !st.IsDir() {
				return usageErr(fmt.Errorf("%s is not a directory", dir))
			}
			// Listing must not create a store where there is none.
			if ok, err := checkpoint.Exists(dir); err != nil {
				return usageErr(err)
			} else if !ok {
				return usageErr(fmt.Errorf("%s holds no checkpoints (it is not a state dir of weir run --state-dir)", dir))
			}
			store, err := checkpoint.Open(dir, checkpoint.Options{})
			if err != nil {
				return runtimeErr(fmt.Errorf("state dir %s: %w", dir, err))
			}
			defer store.Close()
			infos, err := store.List()
			if err != nil {
				return runtimeErr(fmt.Errorf("state dir %s: %w", dir, err))
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "EPOCH\tTIME\tPARTS\tBYTES\tSTATUS\tPROBLEM")
			for i := len(infos) - 1; i >= 0; i-- {
				in := infos[i]
				when := "-"
				if !in.Time.IsZero() {
					when = in.Time.UTC().Format(time.RFC3339)
				}
				fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%s\n", in.Epoch, when, in.Parts, in.Bytes, in.Status, in.Problem)
			}
			return tw.Flush()
		},
	}
}

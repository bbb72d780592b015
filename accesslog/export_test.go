package accesslog

// ExecForTest runs a statement on the log's writer, as another program with the file could.
func ExecForTest(l *Log, stmt string) error {
	_, err := l.write.Exec(stmt)
	return err
}

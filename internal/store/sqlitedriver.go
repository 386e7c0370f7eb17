package store

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"reflect"
	"strings"
	"sync"

	"modernc.org/sqlite"
)

// sqliteDriverName is the database/sql name of the SQLite driver with a statement cache.
const sqliteDriverName = "sqlite-textback"

// stmtCacheSize is how many prepared statements each SQLite connection keeps. textback and River
// together run fewer than a hundred distinct statements.
const stmtCacheSize = 256

func init() {
	sql.Register(sqliteDriverName, &cachingDriver{base: &sqlite.Driver{}})
}

// cachingDriver wraps the SQLite driver so that each connection keeps its prepared statements.
// database/sql prepares a statement for every Exec and Query that is not itself prepared, and
// compiling SQL costs SQLite more than running the small statements textback uses; River's own
// queries, which textback does not prepare, would otherwise be compiled on every call.
type cachingDriver struct{ base *sqlite.Driver }

// sqliteConn is what the SQLite driver's connections implement.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

func (d *cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := d.base.Open(name)
	if err != nil {
		return nil, err
	}
	base, ok := c.(sqliteConn)
	if !ok {
		_ = c.Close()
		return nil, errors.New("sqlite driver connection lacks the expected interfaces")
	}
	return &cachingConn{base: base, stmts: map[string]*list.Element{}, order: list.New()}, nil
}

// cachingConn is a SQLite connection with a bounded, least-recently-used statement cache. A
// cached statement whose rows are still open is busy: a second use of the same SQL meanwhile
// gets a statement of its own, closed after use.
type cachingConn struct {
	base  sqliteConn
	mu    sync.Mutex
	stmts map[string]*list.Element // of *cachedStmt
	order *list.List               // most recently used first
}

type cachedStmt struct {
	query string
	stmt  driver.Stmt
	busy  bool
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.base.Prepare(query) }
func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.base.BeginTx(context.Background(), driver.TxOptions{})
}
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.base.BeginTx(ctx, opts)
}
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.base.PrepareContext(ctx, query)
}
func (c *cachingConn) Ping(ctx context.Context) error         { return c.base.Ping(ctx) }
func (c *cachingConn) ResetSession(ctx context.Context) error { return c.base.ResetSession(ctx) }
func (c *cachingConn) IsValid() bool                          { return c.base.IsValid() }

// Close closes every cached statement, then the connection.
func (c *cachingConn) Close() error {
	c.mu.Lock()
	var errs []error
	for e := c.order.Front(); e != nil; e = e.Next() {
		errs = append(errs, e.Value.(*cachedStmt).stmt.Close())
	}
	c.stmts, c.order = map[string]*list.Element{}, list.New()
	c.mu.Unlock()
	return errors.Join(append(errs, c.base.Close())...)
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if !cacheable(query) {
		return c.base.ExecContext(ctx, query, args)
	}
	st, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := st.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
	c.release(st)
	return res, err
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if !cacheable(query) {
		return c.base.QueryContext(ctx, query, args)
	}
	st, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := st.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.release(st)
		return nil, err
	}
	return &cachedRows{Rows: rows, release: func() { c.release(st) }}, nil
}

// acquire returns the cached statement for query, marked busy, preparing it when missing. When
// the cached one is busy it returns a fresh statement that release closes.
func (c *cachingConn) acquire(ctx context.Context, query string) (*cachedStmt, error) {
	c.mu.Lock()
	if e, ok := c.stmts[query]; ok {
		st := e.Value.(*cachedStmt)
		if !st.busy {
			st.busy = true
			c.order.MoveToFront(e)
			c.mu.Unlock()
			return st, nil
		}
		c.mu.Unlock()
		stmt, err := c.base.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		return &cachedStmt{query: query, stmt: stmt, busy: true}, nil
	}
	c.mu.Unlock()
	stmt, err := c.base.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	st := &cachedStmt{query: query, stmt: stmt, busy: true}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.stmts[query]; !ok {
		c.stmts[query] = c.order.PushFront(st)
		c.evict()
	}
	return st, nil
}

// release marks st free, or closes it when it is not the cached statement of its query.
func (c *cachingConn) release(st *cachedStmt) {
	c.mu.Lock()
	e, ok := c.stmts[st.query]
	cached := ok && e.Value.(*cachedStmt) == st
	st.busy = false
	c.mu.Unlock()
	if !cached {
		_ = st.stmt.Close()
	}
}

// evict closes the least recently used free statements beyond the cache size. Called with mu held.
func (c *cachingConn) evict() {
	for e := c.order.Back(); e != nil && c.order.Len() > stmtCacheSize; {
		prev := e.Prev()
		st := e.Value.(*cachedStmt)
		if !st.busy {
			c.order.Remove(e)
			delete(c.stmts, st.query)
			_ = st.stmt.Close()
		}
		e = prev
	}
}

// cacheable reports whether query is one statement. Scripts of several statements, such as
// migrations, run uncached.
func cacheable(query string) bool {
	i := strings.IndexByte(query, ';')
	return i < 0 || strings.TrimSpace(query[i+1:]) == ""
}

// cachedRows releases its statement when closed.
type cachedRows struct {
	driver.Rows
	release func()
	once    sync.Once
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.once.Do(r.release)
	return err
}

// The SQLite driver's rows report column types; pass them through so that database/sql can too.

func (r *cachedRows) ColumnTypeDatabaseTypeName(index int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(index)
	}
	return ""
}

func (r *cachedRows) ColumnTypeScanType(index int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(index)
	}
	return reflect.TypeFor[any]()
}

func (r *cachedRows) ColumnTypeNullable(index int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(index)
	}
	return false, false
}

"""Great Expectations suites over the warehouse tables, and the runner that validates them."""

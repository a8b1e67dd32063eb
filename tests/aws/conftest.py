"""AWS tests: moto's server over real HTTP, botocore's Stubber, cfn-lint (marker ``aws``)."""
